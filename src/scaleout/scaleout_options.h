// ScaleoutOptions: the command-line values of the scale-out commands (plan, merge, slurm,
// dns-snapshot) and of `scan --plan`.
#pragma once

#include <cstdint>
#include <string>

namespace mv {

struct ScaleoutOptions {
  std::string plan;          // --plan FILE
  int64_t shards = 0;        // --shards N (plan)
  int64_t shard_index = -1;  // --shard-index I; -1: from the environment
  int64_t shard_count = -1;  // --shard-count T; -1: from the environment
  int64_t tasks = 0;         // --tasks T (slurm)
  int64_t throttle = 0;      // --throttle K (slurm)
  bool submit = false;       // --submit (slurm)
};

}  // namespace mv
