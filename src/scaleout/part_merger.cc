#include "scaleout/part_merger.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include "scaleout/sha256.h"
#include "scaleout/shard_store.h"

namespace mv {
namespace {

std::string ShardName(uint64_t s) {
  return "shard " + std::to_string(s);
}

// Checks the done-records alone (no part is read): present, this plan, one DNS snapshot, counts.
Status CheckDoneRecords(const ShardPlan& plan, const std::string& plan_sha256,
                        const std::string& dir, std::vector<DoneRecord>* done) {
  std::string problems;
  size_t bad = 0;
  done->assign(plan.shards.size(), DoneRecord{});
  std::string dns;  // the first shard's snapshot checksum; all must agree
  for (uint64_t s = 0; s < plan.shards.size(); ++s) {
    Result<DoneRecord> d = ReadDoneRecord(DonePath(dir, s));
    std::string problem;
    if (!d.ok()) {
      problem = d.error();
    } else if (d->shard != s || d->plan_sha256 != plan_sha256) {
      problem = "made for another plan (" + DonePath(dir, s) + ")";
    } else if (!dns.empty() && d->dns_sha256 != dns) {
      problem = "made with another DNS snapshot (" + d->dns_sha256 + ", shard 0 used " + dns + ")";
    } else if (auto expected = plan.shards[s].messages(); expected && *expected != d->records) {
      problem = "holds " + std::to_string(d->records) + " records, the plan counted " +
                std::to_string(*expected);
    }
    if (d.ok() && dns.empty()) dns = d->dns_sha256;
    if (!problem.empty()) {
      problems += "\n  " + ShardName(s) + ": " + problem;
      ++bad;
      continue;
    }
    (*done)[s] = *d;
  }
  if (bad > 0) {
    return Status::Error("cannot merge: " + std::to_string(bad) + " of " +
                         std::to_string(plan.shards.size()) + " shards are not done" + problems);
  }
  return Status::Ok();
}

// Streams one part to `out` (or nowhere when `out` is null), returning its checksum.
Result<std::string> CopyPart(const std::string& path, std::FILE* out, uint64_t* bytes) {
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr)
    return Status::Error("part missing (" + path + ": " + std::strerror(errno) + ")");
  Sha256 hash;
  std::vector<char> block(1 << 20);
  size_t n;
  *bytes = 0;
  bool write_failed = false;
  while ((n = std::fread(block.data(), 1, block.size(), in)) > 0) {
    hash.Update({block.data(), n});
    *bytes += n;
    if (out != nullptr && std::fwrite(block.data(), 1, n, out) != n) {
      write_failed = true;
      break;
    }
  }
  const bool read_failed = std::ferror(in) != 0;
  std::fclose(in);
  if (write_failed)
    return Status::Error(std::string("cannot write the output: ") + std::strerror(errno));
  if (read_failed) return Status::Error("cannot read " + path);
  return hash.HexDigest();
}

}  // namespace

Result<MergeStats> MergeShards(const ShardPlan& plan, const std::string& plan_sha256,
                               const std::string& parts_dir, std::FILE* out, bool verify_first) {
  std::vector<DoneRecord> done;
  if (Status s = CheckDoneRecords(plan, plan_sha256, parts_dir, &done); !s.ok()) return s;
  MergeStats stats;
  for (int pass = verify_first ? 0 : 1; pass < 2; ++pass) {
    std::string problems;
    size_t bad = 0;
    for (uint64_t s = 0; s < plan.shards.size(); ++s) {
      uint64_t bytes = 0;
      Result<std::string> sha = CopyPart(PartPath(parts_dir, s), pass == 1 ? out : nullptr, &bytes);
      if (!sha.ok() && sha.error().rfind("cannot write", 0) == 0) return sha.status();
      std::string problem;
      if (!sha.ok()) {
        problem = sha.error();
      } else if (*sha != done[s].sha256 || bytes != done[s].bytes) {
        problem = "checksum mismatch (" + PartPath(parts_dir, s) + " has sha256 " + *sha +
                  ", its done-record says " + done[s].sha256 + ")";
      }
      if (!problem.empty()) {
        problems += "\n  " + ShardName(s) + ": " + problem;
        ++bad;
      }
      if (pass == 1) {
        stats.records += done[s].records;
        stats.bytes += bytes;
      }
    }
    if (bad > 0) {
      return Status::Error("cannot merge: " + std::to_string(bad) + " of " +
                           std::to_string(plan.shards.size()) + " shards are damaged" + problems);
    }
  }
  stats.shards = plan.shards.size();
  return stats;
}

}  // namespace mv
