// BagWriter: writes an evidence bag (BagIt 1.0, RFC 8493) so that a killed run leaves nothing that
// looks like a bag: everything goes into DIR.partial-XXXXXX beside DIR, every file and directory
// is fsynced, and only then is the directory renamed to DIR.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evidence/ed25519_key.h"
#include "util/status.h"

namespace mv {

struct BagTags {
  std::vector<std::pair<std::string, std::string>> info;  // --bundle-info, in order given
  std::string software_agent;                             // "mailverify 0.1.0 (commit ...)"
  int64_t bagging_time = 0;                               // unix seconds
  std::optional<Ed25519Secret> signing_key;               // --bundle-sign
};

// Checks a --bundle-info KEY=VALUE for bag-info.txt (no ':' or line breaks in the key, no line
// breaks in the value; keys the writer sets itself are refused).
Result<std::pair<std::string, std::string>> ParseBagInfo(std::string_view key_value);

class BagWriter {
 public:
  // Refuses an existing `dir`; creates the partial directory with data/ in it.
  static Result<std::unique_ptr<BagWriter>> Begin(const std::string& dir);

  // The path a payload file `relative` (e.g. "data/results.jsonl") has while the bag is written.
  std::string PathOf(std::string_view relative) const {
    return partial_ + "/" + std::string(relative);
  }
  const std::string& final_dir() const { return dir_; }
  Status MakeDirectory(std::string_view relative) const;
  Status CopyIn(const std::string& from, std::string_view relative) const;
  Status WriteFile(std::string_view relative, std::string_view bytes) const;

  // Hashes the payload, writes the tag files (and the signature), fsyncs all and renames.
  Status Finish(const BagTags& tags);

 private:
  BagWriter(std::string dir, std::string partial)
      : dir_(std::move(dir)), partial_(std::move(partial)) {}
  std::string dir_;
  std::string partial_;
};

// The line a manifest has for `path`: hex, two spaces, the path with CR, LF and '%' percent-encoded
// (RFC 8493 2.1.3); sha256sum -c reads the same lines.
std::string ManifestLine(std::string_view hex, std::string_view path);

// Writes the Ed25519 signature of the bag's tag manifest and the key's fingerprint as tag files.
Status SignTagManifest(const std::string& bag_dir, const Ed25519Secret& key);

}  // namespace mv
