// SpfResult: the seven results of check_host() (RFC 7208 2.6) and their RFC spellings, which are
// also the words Received-SPF and Authentication-Results use.
#pragma once

#include <string_view>

namespace mv {

enum class SpfResult { kNone, kNeutral, kPass, kFail, kSoftFail, kTempError, kPermError };

std::string_view SpfResultName(SpfResult result);  // "none", "neutral", "pass", ...
// Reads a result word in any case; also maps the RFC 4408 words "error" -> temperror and
// "unknown" -> permerror. False when `word` is not a result.
bool ParseSpfResult(std::string_view word, SpfResult* result);

}  // namespace mv
