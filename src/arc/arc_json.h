// Writes an ArcResult as the `arc` object of a message's JSON record.
#pragma once

#include "arc/arc_validator.h"
#include "util/json_writer.h"

namespace mv {

// {"result", "instances", "oldest_pass", "reason"?, "temperror"?, "hops": [{"instance",
// "authserv_id", "cv", "results": [{"method", "result", "reason"?, "properties": {...}}],
// "seal": {...}, "message_signature": {...}}]}. A signature check object has d, s, a, "result"
// ("pass", "fail" or "not-checked"), "reason" when it failed and "key_bits" when a key was read.
void WriteArcJson(const ArcResult& result, JsonWriter* out);

// [{"method", "result", "reason"?, "properties": {...}}]: the resinfo of an AAR or of an
// Authentication-Results field, as recorded.
void WriteAuthResultsJson(const std::vector<AarResult>& results, JsonWriter* out);

}  // namespace mv
