#include "cli/scaleout_commands.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "audit/result_store.h"
#include "cli/scan_command.h"
#include "report/json_lines.h"
#include "scaleout/part_merger.h"
#include "scaleout/sha256.h"
#include "scaleout/shard_plan.h"
#include "scaleout/shard_planner.h"
#include "scaleout/shard_slot.h"
#include "scaleout/shard_store.h"
#include "scaleout/slurm_script.h"
#include "util/json_writer.h"

namespace mv {
namespace {

int Fail(const std::string& message, int status) {
  std::fprintf(stderr, "mailverify: %s\n", message.c_str());
  return status;
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

std::string Absolute(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// The scan options every shard (and the snapshot run) uses: the plan's command line parsed again,
// with what planning fixed (the time, the authserv-id, the DNS files) and the task's own
// --threads/--quiet. Nothing else from the task's command line changes a record.
Result<Options> ShardScanOptions(const Options& command_line, const ShardPlan& plan) {
  std::vector<std::string_view> argv(plan.argv.begin(), plan.argv.end());
  Result<Options> parsed = ParseOptions(argv);
  if (!parsed.ok()) return Status::Error("the plan's command line: " + parsed.error());
  Options o = std::move(*parsed);
  o.command = Options::Command::kScan;
  o.inputs.clear();
  o.output.clear();
  o.threads = command_line.threads;
  o.quiet = command_line.quiet;
  o.format = Options::Format::kJsonLines;
  const PlannedVerification& v = plan.verification;
  o.at = v.at;
  o.at_received = v.at_received;
  o.authserv_id = v.authserv_id;
  o.dns.zone_files.clear();
  o.dns.keys_file.clear();
  o.dns.record_file.clear();
  for (const PlannedDnsFile& f : plan.dns_files) {
    if (f.role == PlannedDnsFile::Role::kZone) o.dns.zone_files.push_back(f.path);
    if (f.role == PlannedDnsFile::Role::kKeys) o.dns.keys_file = f.path;
  }
  for (const PlannedInput& in : plan.inputs) o.inputs.push_back(in.path);
  return o;
}

}  // namespace

int RunPlan(const Options& options, std::span<const std::string_view> args) {
  const ScaleoutOptions& so = options.scaleout;
  if (so.shards < 1) return Fail("plan needs --shards N", 2);
  if (options.output.empty()) return Fail("plan needs -o FILE (the plan to write)", 2);
  if (options.format != Options::Format::kJsonLines) {
    return Fail("a plan produces JSON Lines; --format ar is not supported", 2);
  }
  if (options.dns.zone_files.empty()) {
    return Fail(
        "plan needs --dns-zone FILE: an existing snapshot, or where `mailverify "
        "dns-snapshot --plan` is to write one (every shard must see the same DNS)",
        2);
  }
  // Shards parse the plan's command line again: an option that makes every shard write the same
  // side file (the SQLite store, the HTML report) has no place in it.
  for (std::string_view arg : args) {
    for (std::string_view side : {"--db", "--html"}) {
      if (arg == side ||
          (arg.starts_with(side) && arg.size() > side.size() && arg[side.size()] == '=')) {
        return Fail(std::string(side) + " cannot be part of a plan: every shard would write it", 2);
      }
    }
  }
  ShardPlan plan;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  plan.verification.at = options.at >= 0 ? options.at : now;
  plan.verification.at_received = options.at_received;
  plan.verification.strict = options.strict;
  plan.verification.max_signatures = options.max_signatures;
  plan.verification.receivers = options.receivers;
  plan.verification.authserv_id = options.authserv_id.empty() ? HostName() : options.authserv_id;
  plan.argv.assign(args.begin(), args.end());
  std::error_code ec;
  plan.workdir = std::filesystem::current_path(ec).string();

  for (const std::string& zone : options.dns.zone_files) {
    PlannedDnsFile f{PlannedDnsFile::Role::kZone, zone, ""};
    if (Exists(zone)) {
      Result<std::string> sha = Sha256OfFile(zone);
      if (!sha.ok()) return Fail(sha.error(), 1);
      f.sha256 = *sha;
    } else if (options.dns.zone_files.size() > 1) {
      return Fail(zone + " does not exist; a snapshot still to be made must be the only --dns-zone",
                  2);
    }
    plan.dns_files.push_back(std::move(f));
  }
  if (!options.dns.keys_file.empty()) {
    Result<std::string> sha = Sha256OfFile(options.dns.keys_file);
    if (!sha.ok()) return Fail(sha.error(), 1);
    plan.dns_files.push_back(
        PlannedDnsFile{PlannedDnsFile::Role::kKeys, options.dns.keys_file, *sha});
  }
  if (Status s = PlanShards(options.inputs, static_cast<size_t>(so.shards),
                            ArchiveOptionsOf(options), &plan);
      !s.ok()) {
    return Fail(s.message(), 1);
  }
  if (Status s = WriteFileAtomically(options.output, PlanToJson(plan)); !s.ok()) {
    return Fail(s.message(), 1);
  }
  if (!options.quiet) {
    uint64_t bytes = 0, counted = 0;
    for (const PlannedInput& in : plan.inputs) {
      bytes += in.size;
      counted += in.messages.value_or(0);
    }
    std::fprintf(stderr, "plan: %zu inputs, %llu bytes, %zu shards, %llu messages counted%s\n",
                 plan.inputs.size(), static_cast<unsigned long long>(bytes), plan.shards.size(),
                 static_cast<unsigned long long>(counted),
                 plan.SnapshotPending() ? "; DNS snapshot still to be made" : "");
  }
  return 0;
}

int RunPlannedScan(const Options& options) {
  const ScaleoutOptions& so = options.scaleout;
  if (options.output.empty()) return Fail("scan --plan needs -o DIR (the parts directory)", 2);
  if (!options.inputs.empty()) return Fail("scan --plan takes its inputs from the plan", 2);
  std::string plan_sha;
  Result<ShardPlan> plan = LoadPlan(so.plan, &plan_sha);
  if (!plan.ok()) return Fail(plan.error(), 1);
  Result<ShardSlot> slot = ResolveShardSlot(so.shard_index, so.shard_count, ProcessEnvironment());
  if (!slot.ok()) return Fail(slot.error(), 2);
  std::string dns_sha;
  if (Status s = CheckPlanInputs(*plan, &dns_sha); !s.ok()) return Fail(s.message(), 1);
  const std::string& dir = options.output;
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
    return Fail("cannot create " + dir + ": " + std::strerror(errno), 1);
  }

  Result<Options> base = ShardScanOptions(options, *plan);
  if (!base.ok()) return Fail(base.error(), 1);
  int status = 0;
  for (uint64_t s = slot->index; s < plan->shards.size(); s += slot->count) {
    DoneRecord done;
    if (VerifyDoneShard(dir, s, plan_sha, &done).ok()) {
      if (!options.quiet) std::fprintf(stderr, "shard %llu: already done\n", (unsigned long long)s);
      continue;
    }
    Options shard = *base;
    shard.input_specs = plan->InputSpecs(s);
    shard.output = TempPathFor(PartPath(dir, s));
    const int rc = RunScan(shard);
    const std::optional<uint64_t> expected = plan->shards[s].messages();
    // Exit 1 means an input error record (kept, as a single scan keeps it) or a failed write; only
    // a record count the planner vouches for tells them apart.
    if (rc == 0 || (rc == 1 && expected)) {
      Result<DoneRecord> d = CommitShard(dir, s, shard.output, plan_sha, dns_sha, expected);
      if (d.ok()) {
        if (!options.quiet) {
          std::fprintf(stderr, "shard %llu: %llu records (task %llu of %llu, from %s)\n",
                       (unsigned long long)s, (unsigned long long)d->records,
                       (unsigned long long)slot->index, (unsigned long long)slot->count,
                       slot->origin.c_str());
        }
        continue;
      }
      std::fprintf(stderr, "mailverify: shard %llu: %s\n", (unsigned long long)s,
                   d.error().c_str());
    } else {
      std::fprintf(stderr, "mailverify: shard %llu failed (scan exit status %d)\n",
                   (unsigned long long)s, rc);
    }
    std::remove(shard.output.c_str());
    if (rc == 2) return 2;
    status = 1;
  }
  return status;
}

int RunDnsSnapshot(const Options& options) {
  Options run = options;
  std::string out = options.output;
  if (!options.scaleout.plan.empty()) {
    Result<ShardPlan> plan = LoadPlan(options.scaleout.plan, nullptr);
    if (!plan.ok()) return Fail(plan.error(), 1);
    for (const PlannedDnsFile& f : plan->dns_files) {
      if (f.role == PlannedDnsFile::Role::kZone && out.empty()) out = f.path;
    }
    Result<Options> planned = ShardScanOptions(options, *plan);
    if (!planned.ok()) return Fail(planned.error(), 1);
    run = std::move(*planned);
    // Live DNS as the plan says (its --dns-server), unless this command line names servers.
    if (!options.dns.live.servers.empty()) run.dns.live = options.dns.live;
    run.dns.zone_files.clear();  // the snapshot is what is being made
  } else if (options.inputs.empty()) {
    return Fail("dns-snapshot needs PATH... or --plan FILE", 2);
  }
  if (out.empty()) return Fail("dns-snapshot needs -o FILE", 2);
  // The full verification, once, with every answer recorded: the only way to learn the names
  // that SPF include chains reach, which are known only while evaluating.
  run.dns.record_file = out;
  run.output = "/dev/null";
  run.input_specs.clear();
  const int rc = RunScan(run);
  if (rc == 0 && !options.quiet) std::fprintf(stderr, "dns-snapshot: wrote %s\n", out.c_str());
  return rc;
}

// Loads merged results into the --db database as one run, as a single `scan --db` would have.
Status LoadIntoDb(const Options& options, const std::string& results) {
  Result<std::unique_ptr<ResultStore>> store = ResultStore::Open(options.db_file);
  if (!store.ok()) return store.status();
  std::string describe;
  JsonWriter w(&describe);
  w.BeginObject().Field("merge", options.scaleout.plan).Field("parts", options.inputs[0]);
  w.EndObject();
  if (Status s = (*store)->BeginRun({MV_VERSION, describe, "plan", std::time(nullptr)}); !s.ok()) {
    return s;
  }
  std::ifstream in(results, std::ios::binary);
  if (!in) return Status::Error("cannot read " + results);
  std::vector<MessageRecord> batch;
  uint64_t messages = 0, input_errors = 0, line_nr = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_nr;
    Result<MessageRecord> record = RecordFromJsonLine(line);
    if (!record.ok()) {
      return Status::Error(results + ":" + std::to_string(line_nr) + ": " + record.error());
    }
    (record->input_error ? input_errors : messages) += 1;
    batch.push_back(std::move(*record));
    if (batch.size() == 256) {
      if (Status s = (*store)->AddBatch(batch); !s.ok()) return s;
      batch.clear();
    }
  }
  if (Status s = (*store)->AddBatch(batch); !s.ok()) return s;
  return (*store)->EndRun(std::time(nullptr), messages, input_errors);
}

int RunMerge(const Options& options) {
  if (options.scaleout.plan.empty()) return Fail("merge needs --plan FILE", 2);
  if (options.inputs.size() != 1) return Fail("merge needs exactly one PARTS_DIR", 2);
  if (!options.db_file.empty() && options.output.empty()) {
    return Fail("merge --db needs -o FILE (the database is loaded from the merged file)", 2);
  }
  std::string plan_sha;
  Result<ShardPlan> plan = LoadPlan(options.scaleout.plan, &plan_sha);
  if (!plan.ok()) return Fail(plan.error(), 1);
  const bool to_file = !options.output.empty();
  const std::string temp = to_file ? TempPathFor(options.output) : "";
  std::FILE* out = to_file ? std::fopen(temp.c_str(), "wb") : stdout;
  if (out == nullptr) return Fail("cannot create " + temp + ": " + std::strerror(errno), 1);
  Result<MergeStats> stats = MergeShards(*plan, plan_sha, options.inputs[0], out, !to_file);
  Status status = stats.status();
  if (std::fflush(out) != 0 && status.ok()) status = Status::Error("cannot write the output");
  if (to_file) {
    if (std::fclose(out) != 0 && status.ok()) status = Status::Error("cannot write " + temp);
    if (status.ok() && std::rename(temp.c_str(), options.output.c_str()) != 0) {
      status = Status::Error("cannot rename " + temp + ": " + std::strerror(errno));
    }
    if (!status.ok()) std::remove(temp.c_str());
  }
  if (status.ok() && !options.db_file.empty()) status = LoadIntoDb(options, options.output);
  if (!status.ok()) return Fail(status.message(), 1);
  if (!options.quiet) {
    std::fprintf(stderr, "merge: %llu shards, %llu records, %llu bytes\n",
                 (unsigned long long)stats->shards, (unsigned long long)stats->records,
                 (unsigned long long)stats->bytes);
  }
  return 0;
}

int RunSlurm(const Options& options) {
  const ScaleoutOptions& so = options.scaleout;
  if (so.plan.empty()) return Fail("slurm needs --plan FILE", 2);
  if (so.tasks < 1) return Fail("slurm needs --tasks T", 2);
  if (options.inputs.size() > 1) return Fail("slurm takes at most one PARTS_DIR", 2);
  Result<ShardPlan> plan = LoadPlan(so.plan, nullptr);
  if (!plan.ok()) return Fail(plan.error(), 1);
  if (plan->shards.empty()) return Fail("the plan has no shards", 1);

  SlurmJobOptions job;
  char self[PATH_MAX] = {};
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  job.mailverify = n > 0 ? std::string(self, static_cast<size_t>(n)) : "mailverify";
  job.plan = Absolute(so.plan);
  const std::string plan_dir = std::filesystem::path(job.plan).parent_path().string();
  job.parts_dir = Absolute(options.inputs.empty() ? plan_dir + "/parts" : options.inputs[0]);
  job.output = Absolute(options.output.empty() ? plan_dir + "/results.jsonl" : options.output);
  job.workdir = plan->workdir.empty() ? plan_dir : plan->workdir;
  job.tasks = std::min<uint64_t>(static_cast<uint64_t>(so.tasks), plan->shards.size());
  job.throttle = static_cast<uint64_t>(so.throttle);
  job.threads = options.threads;
  job.snapshot_job = plan->SnapshotPending();
  const std::string script = SlurmSubmitScript(job);
  if (!so.submit) {
    std::fputs(script.c_str(), stdout);
    return 0;
  }
  std::fflush(stdout);
  std::FILE* shell = ::popen("/bin/bash -s", "w");
  if (shell == nullptr) return Fail(std::string("cannot run bash: ") + std::strerror(errno), 1);
  std::fputs(script.c_str(), shell);
  const int rc = ::pclose(shell);
  if (rc != 0) return Fail("submitting with sbatch failed", 1);
  return 0;
}

}  // namespace mv
