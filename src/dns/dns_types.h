// DNS value types shared by every DNS source and every protocol module: a question, a record, and
// an answer with one of the outcomes SPF, DKIM and DMARC must tell apart (RFC 7208 5, RFC
// 6376 6.1.2).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mv {

enum class DnsType : uint16_t {
  kA = 1,
  kCname = 5,
  kSoa = 6,
  kPtr = 12,
  kMx = 15,
  kTxt = 16,
  kAaaa = 28,
};

std::string_view DnsTypeName(DnsType type);  // "A", "TXT", ...
// The type named `name` ("TXT", "txt", ...); false when it is not one of the types above.
bool DnsTypeFromName(std::string_view name, DnsType* type);

enum class DnsStatus {
  kOk,         // records present
  kNxDomain,   // the name does not exist
  kNoData,     // the name exists but has no records of this type
  kTempError,  // timeout, SERVFAIL, network error: may succeed later
  kPermError,  // a malformed answer or a name that cannot be queried
};

std::string_view DnsStatusName(DnsStatus status);  // "ok", "nxdomain", "nodata", "temperror", ...
// The status named `name` (as DnsStatusName spells it); false when unknown.
bool DnsStatusFromName(std::string_view name, DnsStatus* status);

// When a public key archive (a JSON or CSV --keys file, see key_archive.h) saw a key published:
// the first and last time, in Unix seconds, and the archive's name (its file name).
struct KeyArchiveWindow {
  int64_t first_seen = 0;
  int64_t last_seen = 0;
  std::string archive;
};

struct DnsRecord {
  DnsType type = DnsType::kTxt;
  uint32_t ttl = 0;
  // TXT: the character strings, in order (callers join them as their RFC says).
  std::vector<std::string> txt;
  // A/AAAA: the address in text form; MX: the exchange; PTR/CNAME: the target (no trailing dot).
  std::string target;
  uint16_t preference = 0;  // MX only
  // Zone files only: the comment lines right above the record, without ';' (joined with "\n").
  // A --keys file says there where a historical key came from; DKIM results report it.
  std::string comment;
  // Key archives only: when the archive saw this key record; null for every other record.
  std::shared_ptr<const KeyArchiveWindow> window = nullptr;

  std::string JoinedTxt() const;  // the TXT strings concatenated with nothing between them
  // The same text without a copy when the record is one string (most are): a view of that string,
  // else of `*storage`, where the strings are joined. Valid while the record and *storage are.
  std::string_view JoinedTxtView(std::string* storage) const;
};

struct DnsAnswer {
  DnsStatus status = DnsStatus::kTempError;
  std::vector<DnsRecord> records;  // only for kOk
  uint32_t ttl = 0;                // positive: min record TTL; negative: RFC 2308 SOA minimum
  // Where it came from: "dns", "zone", "keys"; "hold" (domain on hold after a timeout) and "cache"
  // (a name that cannot be queried) for answers the cache gives by itself.
  std::string source;
  std::string error;                     // human-readable detail for temperror/permerror
  std::vector<std::string> cname_chain;  // names followed to reach the answer, in order
  // The name the answer belongs to when cname_chain is not empty (the last CNAME's target), so that
  // a snapshot can write the chain and the records where they live.
  std::string canonical_name;
  // temperror because no server answered in time (as opposed to SERVFAIL, REFUSED...): the cache
  // puts the name's domain on hold so that one dead server cannot stall a run.
  bool timeout = false;

  bool ok() const { return status == DnsStatus::kOk; }
};

struct DnsQuestion {
  std::string name;  // lower-case, no trailing dot
  DnsType type = DnsType::kTxt;
  bool operator==(const DnsQuestion&) const = default;
};

// Lower-cases and drops one trailing dot, the form every cache key and zone lookup uses.
std::string NormalizeDnsName(std::string_view name);

}  // namespace mv
