// The scale-out commands: `plan`, `scan --plan`, `dns-snapshot`, `merge` and `slurm` (see
// docs/SCALING.md). Each returns the process exit status: 0 done, 1 a run-time failure (an input
// changed, a shard is missing, a task failed), 2 a usage error.
#pragma once

#include <span>
#include <string_view>

#include "cli/options.h"

namespace mv {

// `args` is the command line after the program name, kept in the plan.
int RunPlan(const Options& options, std::span<const std::string_view> args);
int RunPlannedScan(const Options& options);
int RunDnsSnapshot(const Options& options);
int RunMerge(const Options& options);
int RunSlurm(const Options& options);

}  // namespace mv
