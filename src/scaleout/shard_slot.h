// ShardSlot: which shards one array task runs — I, I+T, I+2T, ... — from --shard-index /
// --shard-count or from the environment of the batch system that started it:
//
//   SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN, count SLURM_ARRAY_TASK_COUNT   (Slurm)
//   (SGE_TASK_ID - SGE_TASK_FIRST) / SGE_TASK_STEPSIZE, count from FIRST/LAST/STEPSIZE
//                                  (Grid Engine; 1-based: without FIRST, SGE_TASK_ID - 1)
//   PBS_ARRAY_INDEX                (PBS Pro, as given to qsub -J: submit -J 0-(T-1))
//   LSB_JOBINDEX - 1               (LSF, 1-based)
//   JOB_COMPLETION_INDEX           (Kubernetes indexed jobs)
//   AWS_BATCH_JOB_ARRAY_INDEX      (AWS Batch)
//   MV_SHARD_INDEX                 (anything else, e.g. a shell loop)
//
// Where the scheduler does not export the array size, the count comes from --shard-count or
// MV_SHARD_COUNT. The first variable found in the order above wins; the flags override all.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "util/status.h"

namespace mv {

struct ShardSlot {
  uint64_t index = 0;
  uint64_t count = 1;
  std::string origin;  // "flags", "SLURM_ARRAY_TASK_ID", ... for the log line
};

// Reads a variable; returns nullopt when it is unset. Tests pass a map, the program getenv.
using EnvLookup = std::function<std::optional<std::string>(const char*)>;
EnvLookup ProcessEnvironment();

// `flag_index` / `flag_count` are the command-line values, or -1 when not given.
Result<ShardSlot> ResolveShardSlot(int64_t flag_index, int64_t flag_count, const EnvLookup& env);

}  // namespace mv
