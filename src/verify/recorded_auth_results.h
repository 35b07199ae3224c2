// RecordedAuthResults: the Authentication-Results fields a message carries, as the receiving
// servers recorded them (RFC 8601), for the record's `recorded_auth_results`. For a store that
// kept no body (PST, OST, MSG) the receiver's own dkim= verdict is the only word left on the body
// hash, so it is shown as recorded evidence beside mailverify's header-only check; for any other
// message it shows what the receivers claimed next to what mailverify found. Nothing here is
// trusted or verified: an Authentication-Results field can be written by anyone on the path.
#pragma once

#include <string>

#include "message/header_index.h"

namespace mv {

// At most this many fields are reported (top first); a message with more is hostile or looping.
inline constexpr size_t kMaxRecordedAuthResults = 32;

// A JSON array, top field first: {"authserv_id", "results": [{"method", "result", "reason"?,
// "properties": {...}}]} per field, or {"error"} for a field whose payload cannot be read.
// Empty (no member) when the message has no Authentication-Results field.
std::string RecordedAuthResultsJson(const HeaderIndex& headers);

}  // namespace mv
