// EMSA-PKCS1-v1_5 (RFC 8017 9.2): the encoded message an RSA signature is the e-th root of. Key
// recovery needs it as an integer, built from the exact header hash the DKIM verifier computes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "dkim/digest.h"
#include "util/status.h"

namespace mv {

// 0x00 0x01 FF..FF 0x00 DigestInfo(hash) digest, `em_len` bytes long (the modulus length in
// bytes). Fails when `digest` has the wrong size for `hash` or `em_len` leaves fewer than eight
// bytes of 0xFF padding.
Result<std::string> EncodeEmsaPkcs1v15(DkimHash hash, std::string_view digest, size_t em_len);

}  // namespace mv
