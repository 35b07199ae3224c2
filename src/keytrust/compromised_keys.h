// CompromisedKeys: fingerprints of public keys whose private halves are public (RFC examples,
// library test keys), read from files of lines "SHA256-HEX  DESCRIPTION"; '#' starts a comment.
// The shipped list is data/compromised-keys.txt (each entry's origin is written above it);
// `--compromised-keys FILE` adds more in the same format.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "util/status.h"

namespace mv {

class CompromisedKeys {
 public:
  // Adds the entries of `path`; errors name the file and line.
  Status LoadFile(const std::string& path);
  Status LoadText(std::string_view text, std::string_view display_name);
  // The description of the key with this fingerprint, or nullptr when it is not listed.
  const std::string* Find(std::string_view fingerprint) const;
  size_t size() const { return entries_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> entries_;
};

// The shipped list: next to the executable's install (../share/mailverify/compromised-keys.txt),
// else the source tree's data/ folder the build was configured from.
std::string DefaultCompromisedKeysFile();

}  // namespace mv
