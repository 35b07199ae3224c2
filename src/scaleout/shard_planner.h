// ShardPlanner: cuts a list of inputs into N shards of about equal bytes. Inputs are laid end to
// end and cut at k/N of the total; a cut inside an uncompressed mbox moves forward to the next
// message (a range boundary), a cut inside anything else (compressed file, single message,
// directory) moves to the nearer end of that input. Each range's first_index is the number of
// messages before it, which only a read of the file can tell: the planner reads every mbox it cuts
// once, streaming, through the same ArchiveReader a scan uses (so boundaries are exactly the
// reader's, mboxcl2 Content-Length included), keeping only the cut positions and the counts.
// Inputs that are not cut are not read at all.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "archive/archive_options.h"
#include "scaleout/shard_plan.h"
#include "util/status.h"

namespace mv {

// Fills plan->inputs and plan->shards from `paths` (in scan order). Empty shards (two cuts that
// snapped to the same place) are dropped, so a plan may hold fewer than `shard_count` shards.
Status PlanShards(const std::vector<std::string>& paths, size_t shard_count,
                  const ArchiveOptions& archive_options, ShardPlan* plan);

}  // namespace mv
