// BagVerifier: checks an evidence bag the way a third party would — BagIt completeness and every
// checksum (RFC 8493), Payload-Oxum, the results file against the run manifest, the Ed25519
// signature against a given public key, the RFC 3161 token against the request, the bag and a CA —
// and names every failure. The offline replay is the caller's (it runs a scan), via a callback.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "util/json_value.h"

namespace mv {

struct BagVerifyOptions {
  std::string public_key_file;  // --pubkey: required when the bag is signed
  std::string tsa_ca_file;      // --tsa-ca: required when the bag is timestamped
};

struct BagReport {
  std::vector<std::string> passed;    // what was checked and held, one line each
  std::vector<std::string> failures;  // "FILE: what is wrong", one line each
  bool ok() const { return failures.empty(); }
  void Pass(std::string line) { passed.push_back(std::move(line)); }
  void Fail(std::string line) { failures.push_back(std::move(line)); }
};

// Called after the bag's own checks with its parsed data/manifest.json (null when unreadable).
using BagReplay =
    std::function<void(const std::string& bag_dir, const JsonValue& manifest, BagReport* report)>;

BagReport VerifyBag(const std::string& dir, const BagVerifyOptions& options,
                    const BagReplay& replay);

// The raw 32-byte SHA-256 of the bag's tag manifest (what signatures and timestamps cover).
Result<std::string> TagManifestDigest(const std::string& dir);

}  // namespace mv
