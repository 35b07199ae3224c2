// PartMerger: joins the parts of a finished scale-out run into the single-machine output — the
// parts in plan order, byte for byte. It refuses, naming every bad shard, when a shard has no
// done-record, belongs to another plan, was made with another DNS snapshot than the others, holds
// another record count than the planner counted, or its bytes no longer match the done-record's
// checksum.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "scaleout/shard_plan.h"
#include "util/status.h"

namespace mv {

struct MergeStats {
  uint64_t shards = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;
};

// Writes the merged output to `out`. The done-records are checked before anything is written and
// each part is hashed while it is copied, so every part is read once; when `out` cannot be thrown
// away on failure (stdout), pass `verify_first` to hash every part before writing any byte.
// On an error, what was written to `out` must be discarded.
Result<MergeStats> MergeShards(const ShardPlan& plan, const std::string& plan_sha256,
                               const std::string& parts_dir, std::FILE* out, bool verify_first);

}  // namespace mv
