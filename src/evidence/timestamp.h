// RFC 3161 timestamps over an evidence bag: the request names the SHA-256 of the bag's tag manifest
// (which pins every other file through the checksums in it), a TSA of the user's choice answers
// (no network here), and the reply is checked against the request, the bag and a CA. OpenSSL TS.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace mv {

// DER TimeStampReq over the 32-byte `sha256`, with a random nonce and certReq set.
Result<std::string> MakeTimestampRequest(std::string_view sha256);

// The message imprint (the hashed bytes) a DER TimeStampReq asks to be stamped.
Result<std::string> TimestampRequestImprint(std::string_view request_der);

// Checks a DER TimeStampResp without a CA: granted, its imprint is `sha256`, its nonce the
// request's. Returns the token's genTime ("YYYYMMDDhhmmssZ") on success.
Result<std::string> CheckTimestampReply(std::string_view request_der, std::string_view reply_der,
                                        std::string_view sha256);

// Everything CheckTimestampReply checks, plus the token's signature and the TSA certificate's chain
// to the CAs in `ca_file` (PEM), with the timeStamping key purpose. Returns the genTime.
Result<std::string> VerifyTimestampReply(std::string_view request_der, std::string_view reply_der,
                                         std::string_view sha256, const std::string& ca_file);

}  // namespace mv
