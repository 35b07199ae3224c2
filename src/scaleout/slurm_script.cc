#include "scaleout/slurm_script.h"

namespace mv {

std::string ShellQuote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string SlurmSubmitScript(const SlurmJobOptions& o) {
  const std::string mv = ShellQuote(o.mailverify);
  const std::string plan = ShellQuote(o.plan);
  const std::string parts = ShellQuote(o.parts_dir);
  const std::string logs = o.parts_dir + "/logs";
  const std::string common = " --parsable --chdir=" + ShellQuote(o.workdir);
  std::string array_range = "0-" + std::to_string(o.tasks - 1);
  if (o.throttle > 0) array_range += "%" + std::to_string(o.throttle);
  const std::string threads = o.threads > 0 ? " --threads " + std::to_string(o.threads) : "";

  std::string s;
  s += "#!/bin/bash\n";
  s += "# mailverify on Slurm: " + std::to_string(o.tasks) + " array tasks over the shards of\n";
  s += "# " + o.plan + ", then the merge into " + o.output + ".\n";
  s += "# A failed task: `scontrol requeue JOB_TASK` (add `scontrol update jobid=JOB_TASK\n";
  s +=
      "# StartTime=now` to skip the requeue hold); finished shards are skipped. The merge job is\n";
  s += "# cancelled by the failure: submit its line again once every task succeeded.\n";
  s += "set -euo pipefail\n";
  s += "mkdir -p " + parts + " " + ShellQuote(logs) + "\n";
  s += "jobid() { local id; id=$(\"$@\"); echo \"${id%%;*}\"; }\n";
  std::string after;
  if (o.snapshot_job) {
    const std::string wrap = "exec " + mv + " dns-snapshot --plan " + plan;
    s += "snapshot=$(jobid sbatch" + common +
         " --job-name=mailverify-snapshot --output=" + ShellQuote(logs + "/snapshot-%j.out") +
         " --wrap=" + ShellQuote(wrap) + ")\n";
    s += "echo \"snapshot job $snapshot\"\n";
    after = " --dependency=afterok:$snapshot --kill-on-invalid-dep=yes";
  }
  const std::string scan_wrap = "exec " + mv + " scan --plan " + plan + " -o " + parts + threads;
  s += "array=$(jobid sbatch" + common + " --job-name=mailverify-scan --array=" + array_range;
  if (o.threads > 0) s += " --cpus-per-task=" + std::to_string(o.threads);
  s += after + " --output=" + ShellQuote(logs + "/scan-%A_%a.out") +
       " --wrap=" + ShellQuote(scan_wrap) + ")\n";
  s += "echo \"array job $array\"\n";
  const std::string merge_wrap =
      "exec " + mv + " merge --plan " + plan + " " + parts + " -o " + ShellQuote(o.output);
  s += "merge=$(jobid sbatch" + common +
       " --job-name=mailverify-merge --dependency=afterok:$array --kill-on-invalid-dep=yes" +
       " --output=" + ShellQuote(logs + "/merge-%j.out") + " --wrap=" + ShellQuote(merge_wrap) +
       ")\n";
  s += "echo \"merge job $merge\"\n";
  return s;
}

}  // namespace mv
