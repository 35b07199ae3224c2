// KeyUsageLog: every DKIM key a run used (from DNS, --keys files or recovered zones) with the
// first and last signature time it was seen with, written by `mailverify keys export` in the key
// archive JSON format (dns/key_archive.h), so it reads back through --keys and can be added to a
// public archive. A key is logged whether or not a signature verified with it (a key that only
// failed is still what the domain published, and worth keeping for the next case); the extra
// field "verified" says whether one did, and --keys ignores it. A signature's time is its t=,
// else the message's receive time. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "util/status.h"

namespace mv {

class KeyUsageLog {
 public:
  // A signature by d=`domain`, s=`selector` made at `time` was checked with the key `record`;
  // `verified` when it passed.
  void Note(std::string_view domain, std::string_view selector, std::string_view record,
            int64_t time, bool verified);
  size_t size() const;
  // [{"domain","selector","firstSeenAt","lastSeenAt","value","verified"}, ...] sorted by domain,
  // selector.
  std::string ToJson() const;
  // Writes ToJson() to `path` ("-" for stdout).
  Status Write(const std::string& path) const;

 private:
  struct Seen {
    int64_t first = 0;
    int64_t last = 0;
    bool verified = false;  // some signature verified with the key
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, Seen> keys_;
};

}  // namespace mv
