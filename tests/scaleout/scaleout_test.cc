// Plan, slot, store and merge logic of the scale-out module, on generated mbox files.
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "archive/archive_reader.h"
#include "util/json_value.h"
#include "scaleout/part_merger.h"
#include "scaleout/sha256.h"
#include "scaleout/shard_plan.h"
#include "scaleout/shard_planner.h"
#include "scaleout/shard_slot.h"
#include "scaleout/shard_store.h"
#include "scaleout/slurm_script.h"

namespace mv {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mv-scaleout-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream f(path, std::ios::binary);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// An mbox of `n` messages of varying size; bodies hold ">From " lines and blank lines so that
// naive separator counting would be wrong.
std::string MakeMbox(int n, int seed) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += "From sender@example.org Thu Jan  1 00:00:00 2026\n";
    out += "Subject: message " + std::to_string(i) + "\nMessage-ID: <" + std::to_string(seed) +
           "." + std::to_string(i) + "@example.org>\n\n";
    for (int line = 0; line < (i * 7 + seed) % 23 + 1; ++line) {
      out +=
          line % 5 == 2 ? ">From the body, quoted\n\n" : "body line " + std::to_string(line) + "\n";
    }
    out += "\n";
  }
  return out;
}

struct Seen {
  std::string source;
  uint64_t index, offset, size;
  std::string bytes;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> ReadAll(std::vector<InputSpec> specs) {
  ArchiveReader reader(std::move(specs));
  std::vector<Seen> out;
  RawMessage m;
  while (reader.Next(&m)) {
    out.push_back(Seen{m.provenance.source, m.provenance.index, m.provenance.offset,
                       m.provenance.size, std::string(m.bytes)});
  }
  return out;
}

std::string Gzip(const std::string& data) {
  std::string out(compressBound(data.size()) + 64, '\0');
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// The central property: the shards, read one after another, are the whole-input read.
TEST(ShardPlanner, ShardsConcatenateToTheWholeReadForEveryShardCount) {
  TempDir dir;
  WriteFile(dir / "a.mbox", MakeMbox(120, 1));
  WriteFile(dir / "b.mbox.gz", Gzip(MakeMbox(30, 2)));
  WriteFile(dir / "c.eml", "Subject: single\n\nbody\n");
  WriteFile(dir / "d.mbox", MakeMbox(75, 3));
  WriteFile(dir / "maildir/cur/1:2,S", "Subject: md1\n\nx\n");
  WriteFile(dir / "maildir/new/2", "Subject: md2\n\ny\n");
  ::mkdir((dir / "maildir/tmp").c_str(), 0755);
  const std::vector<std::string> paths = {dir / "a.mbox", dir / "b.mbox.gz", dir / "c.eml",
                                          dir / "maildir", dir / "d.mbox"};
  std::vector<InputSpec> whole;
  for (const std::string& p : paths) whole.push_back(InputSpec{p});
  const std::vector<Seen> expected = ReadAll(whole);
  ASSERT_EQ(expected.size(), 120u + 30 + 1 + 2 + 75);

  for (size_t n : {1, 2, 3, 5, 8, 13, 64, 500}) {
    SCOPED_TRACE("shards " + std::to_string(n));
    ShardPlan plan;
    ASSERT_TRUE(PlanShards(paths, n, ArchiveOptions{}, &plan).ok());
    ASSERT_LE(plan.shards.size(), n);
    ASSERT_FALSE(plan.shards.empty());
    // Only an input that is cut is read and counted.
    if (n == 1) {
      EXPECT_FALSE(plan.inputs[0].messages.has_value());
    } else if (plan.inputs[0].messages) {
      EXPECT_EQ(*plan.inputs[0].messages, 120u);
    }
    EXPECT_FALSE(plan.inputs[1].splittable);  // gzip: whole file only
    EXPECT_TRUE(plan.inputs[3].directory);
    std::vector<Seen> joined;
    for (size_t s = 0; s < plan.shards.size(); ++s) {
      std::vector<Seen> part = ReadAll(plan.InputSpecs(s));
      EXPECT_FALSE(part.empty()) << "shard " << s << " is empty";
      if (auto m = plan.shards[s].messages()) {
        EXPECT_EQ(*m, part.size()) << "shard " << s;
      }
      joined.insert(joined.end(), part.begin(), part.end());
    }
    EXPECT_EQ(joined.size(), expected.size());
    EXPECT_TRUE(joined == expected);
    // The plan survives its JSON form unchanged.
    Result<ShardPlan> back = PlanFromJson(PlanToJson(plan));
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(PlanToJson(*back), PlanToJson(plan));
  }
}

TEST(ShardPlanner, CutsALargeMboxIntoBalancedRanges) {
  TempDir dir;
  WriteFile(dir / "big.mbox", MakeMbox(400, 5));
  ShardPlan plan;
  ASSERT_TRUE(PlanShards({dir / "big.mbox"}, 8, ArchiveOptions{}, &plan).ok());
  ASSERT_EQ(plan.shards.size(), 8u);
  const uint64_t size = plan.inputs[0].size;
  uint64_t next_index = 0;
  for (const Shard& s : plan.shards) {
    ASSERT_EQ(s.pieces.size(), 1u);
    EXPECT_EQ(s.pieces[0].first_index, next_index);
    next_index += *s.pieces[0].messages;
    // Each shard is within a few messages' bytes of an eighth.
    EXPECT_LT(s.bytes, size / 8 + 2000);
  }
  EXPECT_EQ(next_index, 400u);
}

TEST(ShardPlanner, RefusesStdinAndMissingInputs) {
  TempDir dir;
  ShardPlan plan;
  EXPECT_FALSE(PlanShards({"-"}, 2, ArchiveOptions{}, &plan).ok());
  Status s = PlanShards({dir / "missing.mbox"}, 2, ArchiveOptions{}, &plan);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("missing.mbox"), std::string::npos);
}

TEST(ShardPlan, CheckNamesChangedInputsAndSnapshot) {
  TempDir dir;
  WriteFile(dir / "a.mbox", MakeMbox(10, 1));
  WriteFile(dir / "snap.zone", "a.example. 300 IN TXT \"x\"\n");
  ShardPlan plan;
  ASSERT_TRUE(PlanShards({dir / "a.mbox"}, 2, ArchiveOptions{}, &plan).ok());
  plan.dns_files.push_back(
      {PlannedDnsFile::Role::kZone, dir / "snap.zone", *Sha256OfFile(dir / "snap.zone")});
  std::string dns;
  ASSERT_TRUE(CheckPlanInputs(plan, &dns).ok());
  EXPECT_EQ(dns, plan.dns_files[0].sha256);

  WriteFile(dir / "a.mbox", MakeMbox(11, 1));
  WriteFile(dir / "snap.zone", "a.example. 300 IN TXT \"y\"\n");
  Status s = CheckPlanInputs(plan, &dns);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("a.mbox changed"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("snap.zone changed"), std::string::npos) << s.message();

  // A pending snapshot must exist by the time shards run.
  ShardPlan pending;
  ASSERT_TRUE(PlanShards({dir / "a.mbox"}, 1, ArchiveOptions{}, &pending).ok());
  pending.dns_files.push_back({PlannedDnsFile::Role::kZone, dir / "later.zone", ""});
  EXPECT_TRUE(pending.SnapshotPending());
  s = CheckPlanInputs(pending, &dns);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("later.zone"), std::string::npos);
}

TEST(ShardPlanJson, RoundTripsAnyBytesInAPath) {
  ShardPlan plan;
  PlannedInput in;
  in.path = std::string("dir/\xff\xfe na\"me\\\n\x01 \xc3\xa9 \xf0\x9f\x93\xa7.mbox");
  in.size = 12345678901234ull;
  in.mtime_ns = -5;
  plan.inputs.push_back(in);
  plan.argv = {"plan", "--receiver", "mx*.example"};
  Result<ShardPlan> back = PlanFromJson(PlanToJson(plan));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->inputs[0].path, in.path);
  EXPECT_EQ(back->inputs[0].size, in.size);
  EXPECT_EQ(back->inputs[0].mtime_ns, -5);
  EXPECT_EQ(back->argv, plan.argv);
  EXPECT_FALSE(JsonValue::Parse("{\"a\":1,}").ok());
  EXPECT_FALSE(PlanFromJson("{\"mailverify_plan\":2}").ok());
}

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ShardSlot, ReadsEverySchedulersArrayVariables) {
  struct Case {
    std::map<std::string, std::string> env;
    uint64_t index, count;
  };
  const std::vector<Case> cases = {
      {{{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}, 3, 4},
      {{{"SLURM_ARRAY_TASK_ID", "5"},
        {"SLURM_ARRAY_TASK_MIN", "1"},
        {"SLURM_ARRAY_TASK_COUNT", "8"}},
       4,
       8},
      {{{"SGE_TASK_ID", "1"},
        {"SGE_TASK_FIRST", "1"},
        {"SGE_TASK_LAST", "10"},
        {"SGE_TASK_STEPSIZE", "1"}},
       0,
       10},
      {{{"SGE_TASK_ID", "7"},
        {"SGE_TASK_FIRST", "1"},
        {"SGE_TASK_LAST", "9"},
        {"SGE_TASK_STEPSIZE", "2"}},
       3,
       5},
      {{{"SGE_TASK_ID", "2"}, {"MV_SHARD_COUNT", "3"}}, 1, 3},
      {{{"PBS_ARRAY_INDEX", "0"}, {"MV_SHARD_COUNT", "2"}}, 0, 2},
      {{{"LSB_JOBINDEX", "2"}, {"MV_SHARD_COUNT", "2"}}, 1, 2},
      {{{"JOB_COMPLETION_INDEX", "6"}, {"MV_SHARD_COUNT", "7"}}, 6, 7},
      {{{"AWS_BATCH_JOB_ARRAY_INDEX", "9"}, {"MV_SHARD_COUNT", "10"}}, 9, 10},
      {{{"MV_SHARD_INDEX", "0"}, {"MV_SHARD_COUNT", "1"}}, 0, 1},
  };
  for (const Case& c : cases) {
    Result<ShardSlot> slot = ResolveShardSlot(-1, -1, Env(c.env));
    ASSERT_TRUE(slot.ok()) << c.env.begin()->first << ": " << slot.error();
    EXPECT_EQ(slot->index, c.index) << c.env.begin()->first;
    EXPECT_EQ(slot->count, c.count) << c.env.begin()->first;
  }
  // Flags win over the environment.
  Result<ShardSlot> flags = ResolveShardSlot(1, 2, Env({{"SLURM_ARRAY_TASK_ID", "0"}}));
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->index, 1u);
  EXPECT_EQ(flags->count, 2u);
  // Missing count, missing index, index out of range.
  EXPECT_FALSE(ResolveShardSlot(-1, -1, Env({{"PBS_ARRAY_INDEX", "0"}})).ok());
  EXPECT_FALSE(ResolveShardSlot(-1, -1, Env({})).ok());
  EXPECT_FALSE(
      ResolveShardSlot(-1, -1, Env({{"LSB_JOBINDEX", "3"}, {"MV_SHARD_COUNT", "2"}})).ok());
}

// A finished run of three shards, to break in different ways.
struct FinishedRun {
  TempDir dir;
  ShardPlan plan;
  std::string plan_sha = "planhash";
  std::string parts;
  FinishedRun() {
    parts = dir / "parts";
    std::filesystem::create_directories(parts);
    for (uint64_t s = 0; s < 3; ++s) {
      plan.shards.push_back(Shard{{ShardPiece{0, 0, UINT64_MAX, 0, 2}}, 10});
      const std::string temp = TempPathFor(PartPath(parts, s));
      WriteFile(temp, "{\"shard\":" + std::to_string(s) + ",\"n\":1}\n{\"n\":2}\n");
      EXPECT_TRUE(CommitShard(parts, s, temp, plan_sha, "dnshash", 2).ok());
    }
    plan.inputs.push_back(PlannedInput{});
  }
  Result<MergeStats> Merge(std::string* out) {
    std::FILE* f = std::tmpfile();
    Result<MergeStats> r = MergeShards(plan, plan_sha, parts, f, false);
    std::rewind(f);
    char buf[4096];
    size_t n;
    out->clear();
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
    std::fclose(f);
    return r;
  }
};

TEST(PartMerger, ConcatenatesInPlanOrder) {
  FinishedRun run;
  std::string out;
  Result<MergeStats> r = run.Merge(&out);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->records, 6u);
  EXPECT_EQ(out,
            "{\"shard\":0,\"n\":1}\n{\"n\":2}\n{\"shard\":1,\"n\":1}\n{\"n\":2}\n"
            "{\"shard\":2,\"n\":1}\n{\"n\":2}\n");
  DoneRecord done;
  EXPECT_TRUE(VerifyDoneShard(run.parts, 1, run.plan_sha, &done).ok());
  EXPECT_FALSE(VerifyDoneShard(run.parts, 1, "otherplan", &done).ok());
}

TEST(PartMerger, RefusesAMissingShardAndNamesIt) {
  FinishedRun run;
  std::remove(DonePath(run.parts, 1).c_str());
  std::string out;
  Result<MergeStats> r = run.Merge(&out);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("shard 1: missing"), std::string::npos) << r.error();
  EXPECT_EQ(r.error().find("shard 0"), std::string::npos) << r.error();
  EXPECT_TRUE(out.empty());  // refused before writing
}

TEST(PartMerger, RefusesADeletedOrAlteredPartAndNamesIt) {
  FinishedRun run;
  std::remove(PartPath(run.parts, 0).c_str());
  WriteFile(PartPath(run.parts, 2), "{\"shard\":2,\"n\":1}\n{\"n\":3}\n");
  std::string out;
  Result<MergeStats> r = run.Merge(&out);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("shard 0: part missing"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("shard 2: checksum mismatch"), std::string::npos) << r.error();
  EXPECT_EQ(r.error().find("shard 1"), std::string::npos) << r.error();
  // The verify-first mode writes nothing at all.
  std::FILE* f = std::tmpfile();
  EXPECT_FALSE(MergeShards(run.plan, run.plan_sha, run.parts, f, true).ok());
  EXPECT_EQ(std::ftell(f), 0);
  std::fclose(f);
}

TEST(PartMerger, RefusesMixedSnapshotsAndWrongCounts) {
  FinishedRun run;
  const std::string temp = TempPathFor(PartPath(run.parts, 1));
  WriteFile(temp, "{\"shard\":1,\"n\":1}\n{\"n\":2}\n");
  ASSERT_TRUE(CommitShard(run.parts, 1, temp, run.plan_sha, "otherdns", std::nullopt).ok());
  run.plan.shards[2].pieces[0].messages = 3;
  std::string out;
  Result<MergeStats> r = run.Merge(&out);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("shard 1: made with another DNS snapshot"), std::string::npos)
      << r.error();
  EXPECT_NE(r.error().find("shard 2: holds 2 records, the plan counted 3"), std::string::npos)
      << r.error();
}

TEST(ShardStore, CommitRefusesAShortPartAndLeavesNoDoneRecord) {
  TempDir dir;
  const std::string temp = TempPathFor(PartPath(dir / "", 0));
  WriteFile(temp, "{}\n");
  Result<DoneRecord> d = CommitShard(dir / "", 0, temp, "p", "d", 2);
  ASSERT_FALSE(d.ok());
  EXPECT_FALSE(std::filesystem::exists(DonePath(dir / "", 0)));
  EXPECT_FALSE(std::filesystem::exists(PartPath(dir / "", 0)));
  EXPECT_FALSE(std::filesystem::exists(temp));
}

TEST(SlurmScript, ChainsSnapshotArrayAndMerge) {
  SlurmJobOptions o;
  o.mailverify = "/opt/mv/mailverify";
  o.plan = "/data/it's/plan.json";
  o.parts_dir = "/data/parts";
  o.output = "/data/results.jsonl";
  o.workdir = "/data";
  o.tasks = 16;
  o.throttle = 4;
  o.threads = 8;
  o.snapshot_job = true;
  const std::string s = SlurmSubmitScript(o);
  EXPECT_NE(s.find("--array=0-15%4"), std::string::npos) << s;
  EXPECT_NE(s.find("--cpus-per-task=8"), std::string::npos);
  EXPECT_NE(s.find("dns-snapshot --plan"), std::string::npos);
  EXPECT_NE(s.find("--dependency=afterok:$snapshot --kill-on-invalid-dep=yes"), std::string::npos);
  EXPECT_NE(s.find("--dependency=afterok:$array --kill-on-invalid-dep=yes"), std::string::npos);
  o.snapshot_job = false;
  EXPECT_EQ(SlurmSubmitScript(o).find("dns-snapshot"), std::string::npos);
  // Run with a fake sbatch that logs its arguments one per line and answers "job;cluster".
  TempDir dir;
  o.snapshot_job = true;
  o.parts_dir = dir / "parts";  // the script creates it
  WriteFile(dir / "submit.sh", SlurmSubmitScript(o));
  WriteFile(dir / "bin/sbatch", "#!/bin/sh\nn=$(($(cat " + dir / "n" +
                                    " 2>/dev/null || echo 100) + 1))\n"
                                    "echo $n > " +
                                    dir / "n" + "\nprintf '%s\\n' \"$@\" >> " + dir / "args" +
                                    "\necho \"$n;cluster\"\n");
  ::chmod((dir / "bin/sbatch").c_str(), 0755);
  const std::string run = "cd " + dir / "" + " && PATH=" + dir / "bin" +
                          ":$PATH bash submit.sh > " + dir / "out" + " 2>&1";
  ASSERT_EQ(std::system(run.c_str()), 0);
  std::ifstream args(dir / "args");
  std::string all((std::istreambuf_iterator<char>(args)), std::istreambuf_iterator<char>());
  EXPECT_NE(all.find("--wrap=exec '/opt/mv/mailverify' dns-snapshot --plan "
                     "'/data/it'\\''s/plan.json'\n"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("--dependency=afterok:101\n--kill-on-invalid-dep=yes\n"), std::string::npos)
      << all;
  EXPECT_NE(all.find("--dependency=afterok:102\n--kill-on-invalid-dep=yes\n"), std::string::npos)
      << all;
  EXPECT_NE(all.find("--wrap=exec '/opt/mv/mailverify' merge --plan '/data/it'\\''s/plan.json' "
                     "'" +
                     dir / "parts" + "' -o '/data/results.jsonl'\n"),
            std::string::npos)
      << all;
  std::ifstream out(dir / "out");
  std::string printed((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_EQ(printed, "snapshot job 101\narray job 102\nmerge job 103\n");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "parts/logs"));
}

}  // namespace
}  // namespace mv
