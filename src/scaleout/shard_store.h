// ShardStore: the parts directory of a scale-out run. Shard s's output is `shard-NNNNNN.jsonl`,
// written under a temporary name and renamed into place, and then its done-record
// `shard-NNNNNN.done` (records, bytes, sha256 of the part, and the checksums of the plan and the
// DNS snapshot it was made with), written the same way. A done-record is the only proof a shard is
// finished: a task killed at any point leaves either no part, or a part without a done-record, and
// its rerun starts the shard over. Duplicated tasks write identical bytes, so whichever rename
// comes last changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/status.h"

namespace mv {

struct DoneRecord {
  uint64_t shard = 0;
  uint64_t records = 0;  // lines of the part: one per message or input error
  uint64_t bytes = 0;
  std::string sha256;
  std::string plan_sha256;
  std::string dns_sha256;
};

std::string PartPath(const std::string& dir, uint64_t shard);
std::string DonePath(const std::string& dir, uint64_t shard);
// A name next to `final_path` that no other process (on any host) uses.
std::string TempPathFor(const std::string& final_path);

std::string DoneRecordToJson(const DoneRecord& done);
Result<DoneRecord> ReadDoneRecord(const std::string& path);

// Writes `contents` to a temporary file, fsyncs it and renames it to `path`.
Status WriteFileAtomically(const std::string& path, const std::string& contents);

// Counts and hashes the finished temporary output `temp_path` of shard `shard`, fsyncs it, renames
// it to its part name and writes the done-record. When the planner counted the shard's messages,
// a part with another number of records is refused (and removed) instead.
Result<DoneRecord> CommitShard(const std::string& dir, uint64_t shard, const std::string& temp_path,
                               const std::string& plan_sha256, const std::string& dns_sha256,
                               std::optional<uint64_t> expected_records);

// Ok when shard `shard` has a done-record for this plan and its part still has the recorded bytes
// (read and hashed). Otherwise the error says what is wrong ("missing", "checksum mismatch", ...).
Status VerifyDoneShard(const std::string& dir, uint64_t shard, const std::string& plan_sha256,
                       DoneRecord* done);

}  // namespace mv
