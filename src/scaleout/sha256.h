// Sha256: the checksum that ties a scale-out run together — of the plan, of the DNS snapshot and of
// every shard's output — so a shard or a merge can prove it used the same bytes as the others.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "util/status.h"

namespace mv {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // Lower-case hex digest; the hasher is spent afterwards.
  std::string HexDigest();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// Hex SHA-256 of a file's bytes, read in 1 MiB blocks.
Result<std::string> Sha256OfFile(const std::string& path);

}  // namespace mv
