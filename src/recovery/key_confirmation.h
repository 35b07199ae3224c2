// KeyConfirmation: the proof step of key recovery. It re-reads the archive and runs the real DKIM
// verifier (DkimVerifier over a MemoryDnsSource holding only the recovered record) on every
// message signed under a recovered key's name, so what is reported as verified is exactly what
// `scan --keys` will report — not the recovery's own arithmetic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "archive/archive_reader.h"
#include "util/status.h"

namespace mv {

struct KeyToConfirm {
  std::string key_name;  // selector._domainkey.domain, lower-case
  std::string record;    // the TXT record text
};

// A signature: which DKIM-Signature (0 = topmost) of which message.
struct SignatureRef {
  std::string source;
  uint64_t index = 0;
  size_t field = 0;
  auto operator<=>(const SignatureRef&) const = default;
};

struct KeyConfirmation {
  // Signatures under the key's name that DkimVerifier verifies with the key (a pass, or an expiry
  // reported after the signature itself verified), in archive order.
  std::vector<SignatureRef> verified;
  size_t verified_distinct = 0;  // of those, how many carry a different b= value
  uint64_t name_signatures = 0;  // DKIM-Signature fields under the key's name in the archive
};

struct ConfirmationRun {
  std::vector<KeyConfirmation> keys;  // one per key given, same order
  uint64_t messages = 0;
  std::vector<std::string> failed_inputs;
};

// `verify_time` is the time x= and t= are judged at (it does not change whether a signature
// verifies, only how the verdict is worded).
ConfirmationRun ConfirmKeys(std::vector<InputSpec> inputs, std::span<const KeyToConfirm> keys,
                            int64_t verify_time);

}  // namespace mv
