// SlurmScript: the sbatch commands of a scale-out run, as a bash script a person can read, keep and
// run — the DNS snapshot job (when the plan's snapshot is still to be made), the array job whose
// tasks each run every T-th shard, and the merge job. Jobs are chained with
// --dependency=afterok:JOB and --kill-on-invalid-dep=yes, so a failed task cancels the merge rather
// than leaving it pending forever; after a rerun of the failed task the merge line is run again.
// Nothing links against libslurm: the script only calls sbatch.
#pragma once

#include <cstdint>
#include <string>

namespace mv {

struct SlurmJobOptions {
  std::string mailverify;  // absolute path of the executable the tasks run
  std::string plan;        // absolute path of plan.json
  std::string parts_dir;   // absolute
  std::string output;      // the merged results file, absolute
  std::string workdir;     // the plan's working directory (--chdir)
  uint64_t tasks = 1;      // array tasks (at most the number of shards)
  uint64_t throttle = 0;   // tasks running at once; 0: no limit
  int threads = 0;         // per task (--cpus-per-task and scan --threads); 0: Slurm's default
  bool snapshot_job = false;
};

// Quotes `word` for a POSIX shell.
std::string ShellQuote(const std::string& word);

std::string SlurmSubmitScript(const SlurmJobOptions& options);

}  // namespace mv
