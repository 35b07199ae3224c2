#include "scaleout/shard_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "scaleout/sha256.h"
#include "util/json_value.h"
#include "util/json_writer.h"

namespace mv {
namespace {

std::string Numbered(const std::string& dir, uint64_t shard, const char* suffix) {
  char name[64];
  std::snprintf(name, sizeof name, "shard-%06llu%s", static_cast<unsigned long long>(shard),
                suffix);
  return dir + "/" + name;
}

Status SyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) return Status::Error("cannot sync " + path + ": " + std::strerror(saved));
  return Status::Ok();
}

Status Rename(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    return Status::Error("cannot rename " + from + " to " + to + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

// Hashes a file and counts its lines in one pass.
Status HashAndCount(const std::string& path, std::string* sha256, uint64_t* lines,
                    uint64_t* bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  Sha256 hash;
  std::vector<char> block(1 << 20);
  *lines = 0;
  *bytes = 0;
  size_t n;
  while ((n = std::fread(block.data(), 1, block.size(), f)) > 0) {
    hash.Update({block.data(), n});
    *bytes += n;
    for (size_t i = 0; i < n; ++i) *lines += block[i] == '\n';
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::Error("cannot read " + path);
  *sha256 = hash.HexDigest();
  return Status::Ok();
}

}  // namespace

std::string PartPath(const std::string& dir, uint64_t shard) {
  return Numbered(dir, shard, ".jsonl");
}
std::string DonePath(const std::string& dir, uint64_t shard) {
  return Numbered(dir, shard, ".done");
}

std::string TempPathFor(const std::string& final_path) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::strcpy(host, "localhost");
  return final_path + ".tmp." + host + "." + std::to_string(::getpid());
}

std::string DoneRecordToJson(const DoneRecord& d) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("shard", d.shard).Field("records", d.records).Field("bytes", d.bytes);
  w.Field("sha256", d.sha256).Field("plan_sha256", d.plan_sha256);
  w.Field("dns_sha256", d.dns_sha256).EndObject();
  out += "\n";
  return out;
}

Result<DoneRecord> ReadDoneRecord(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("missing (no " + path + ")");
  std::ostringstream text;
  text << in.rdbuf();
  Result<JsonValue> doc = JsonValue::Parse(text.str());
  if (!doc.ok()) return Status::Error("unreadable done-record " + path + ": " + doc.error());
  DoneRecord d;
  const auto num = [&](const char* key) -> int64_t {
    const JsonValue* v = doc->Find(key);
    return v != nullptr && v->is_integer() ? v->AsInt() : -1;
  };
  const auto str = [&](const char* key) -> std::string {
    const JsonValue* v = doc->Find(key);
    return v != nullptr && v->is_string() ? v->AsString() : std::string();
  };
  if (num("shard") < 0 || num("records") < 0 || num("bytes") < 0 || str("sha256").empty()) {
    return Status::Error("unreadable done-record " + path);
  }
  d.shard = static_cast<uint64_t>(num("shard"));
  d.records = static_cast<uint64_t>(num("records"));
  d.bytes = static_cast<uint64_t>(num("bytes"));
  d.sha256 = str("sha256");
  d.plan_sha256 = str("plan_sha256");
  d.dns_sha256 = str("dns_sha256");
  return d;
}

Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  const std::string temp = TempPathFor(path);
  std::FILE* f = std::fopen(temp.c_str(), "wb");
  if (f == nullptr) return Status::Error("cannot create " + temp + ": " + std::strerror(errno));
  const bool written = std::fwrite(contents.data(), 1, contents.size(), f) == contents.size();
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) {
    std::remove(temp.c_str());
    return Status::Error("cannot write " + temp);
  }
  if (Status s = SyncFile(temp); !s.ok()) return s;
  return Rename(temp, path);
}

Result<DoneRecord> CommitShard(const std::string& dir, uint64_t shard, const std::string& temp_path,
                               const std::string& plan_sha256, const std::string& dns_sha256,
                               std::optional<uint64_t> expected_records) {
  DoneRecord d;
  d.shard = shard;
  d.plan_sha256 = plan_sha256;
  d.dns_sha256 = dns_sha256;
  if (Status s = HashAndCount(temp_path, &d.sha256, &d.records, &d.bytes); !s.ok()) return s;
  if (expected_records && *expected_records != d.records) {
    std::remove(temp_path.c_str());
    return Status::Error("shard " + std::to_string(shard) + " produced " +
                         std::to_string(d.records) + " records, the plan counted " +
                         std::to_string(*expected_records));
  }
  if (Status s = SyncFile(temp_path); !s.ok()) return s;
  if (Status s = Rename(temp_path, PartPath(dir, shard)); !s.ok()) return s;
  if (Status s = WriteFileAtomically(DonePath(dir, shard), DoneRecordToJson(d)); !s.ok()) return s;
  return d;
}

Status VerifyDoneShard(const std::string& dir, uint64_t shard, const std::string& plan_sha256,
                       DoneRecord* done) {
  Result<DoneRecord> d = ReadDoneRecord(DonePath(dir, shard));
  if (!d.ok()) return d.status();
  if (d->shard != shard || d->plan_sha256 != plan_sha256) {
    return Status::Error("done-record " + DonePath(dir, shard) + " belongs to another plan");
  }
  std::string sha;
  uint64_t lines = 0, bytes = 0;
  if (Status s = HashAndCount(PartPath(dir, shard), &sha, &lines, &bytes); !s.ok()) {
    return Status::Error("part missing (" + s.message() + ")");
  }
  if (sha != d->sha256 || bytes != d->bytes) {
    return Status::Error("checksum mismatch: " + PartPath(dir, shard) + " has sha256 " + sha +
                         ", its done-record says " + d->sha256);
  }
  *done = *d;
  return Status::Ok();
}

}  // namespace mv
