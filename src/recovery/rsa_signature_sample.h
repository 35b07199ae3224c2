// RsaSignatureSample: what key recovery keeps of one rsa-sha256 / rsa-sha1 DKIM signature — the
// signature bytes, the header hash the verifier would check them against (computed by the DKIM
// module's own header-hash code), whether the body still matches bh=, and where it came from.
// Messages are not kept: a sample is a few hundred bytes whatever the message size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/digest.h"
#include "message/header_index.h"
#include "message/raw_message.h"

namespace mv {

struct RsaSignatureSample {
  std::string key_name;  // selector._domainkey.domain, lower-case
  DkimHash hash = DkimHash::kSha256;
  std::string signature;  // b= decoded: the big-endian signature integer, modulus-length bytes
  std::string digest;     // the header hash the verifier computes for this signature
  bool body_hash_ok = false;
  std::string source;  // Provenance::source
  uint64_t index = 0;  // Provenance::index
  size_t field = 0;    // which DKIM-Signature of the message, 0 = topmost (DkimVerifier's order)
  std::string message_id;  // Message-ID unfolded, empty when absent
};

// Key name a signature's key lives at, lower-case; empty when s= or d= is empty.
std::string DkimKeyName(std::string_view selector, std::string_view domain);

// Appends a sample for each syntactically valid RSA DKIM signature of the message whose key name
// `want` accepts. Signatures that do not parse, or are Ed25519, are skipped: they cannot yield an
// RSA modulus. The header and body hashes are only computed for the signatures wanted.
void ExtractRsaSamples(const HeaderIndex& index, const Provenance& provenance,
                       const std::function<bool(const std::string& key_name)>& want,
                       std::vector<RsaSignatureSample>* out);

}  // namespace mv
