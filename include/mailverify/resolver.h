// mailverify/resolver.h: where a Verifier gets its DNS answers. A Resolver is opened once and
// shared by any number of Verifiers and threads; it caches answers for its whole life. The
// factories name the three sources mailverify knows: a zone snapshot (offline, reproducible), live
// DNS, and an archive of historical DKIM keys in front of either.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace mv {

class Resolver {
 public:
  // Like the rest of mailverify, the API throws no exceptions: a factory that fails returns null
  // and, when `error` is given, says why there.
  //
  // Offline: answers only from RFC 1035 zone files (as `mailverify scan --dns-zone`); a name the
  // files do not hold does not exist.
  static std::shared_ptr<Resolver> ZoneSnapshot(const std::vector<std::string>& zone_files,
                                                std::string* error = nullptr);

  // Live DNS through the given servers ("HOST[:PORT]", "[ADDR]:PORT"), or those of
  // /etc/resolv.conf when empty. `timeout_ms` is the first try's wait (c-ares doubles it per try).
  static std::shared_ptr<Resolver> LiveDns(const std::vector<std::string>& servers = {},
                                           int timeout_ms = 2000, std::string* error = nullptr);

  // Historical DKIM keys (a zone file, or a .json/.csv key archive as `--keys`) asked first, then
  // the zone files when given, else live DNS.
  static std::shared_ptr<Resolver> KeysFile(const std::string& keys_file,
                                            const std::vector<std::string>& zone_files = {},
                                            std::string* error = nullptr);

  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // "zone", "dns", "keys+zone", ...: what answers, as the scan summary names it.
  std::string description() const;

  struct Impl;  // the library's resolver stack; opaque to callers

 private:
  explicit Resolver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend class Verifier;
};

}  // namespace mv
