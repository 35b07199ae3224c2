// Dkim2Presence: whether a message carries DKIM2 header fields (DKIM2-Signature, Message-Instance;
// draft-ietf-dkim-dkim2-spec, still changing with every revision). mailverify does not verify
// DKIM2 yet; it only counts the fields so that a report shows a message was signed that way rather
// than silently treating it as unsigned. No verdict is derived from them.
#pragma once

#include <cstddef>

#include "message/header_index.h"
#include "util/json_writer.h"

namespace mv {

struct Dkim2Presence {
  size_t signatures = 0;         // DKIM2-Signature fields
  size_t message_instances = 0;  // Message-Instance fields
  bool present() const { return signatures + message_instances > 0; }
};

// Counts the fields (names compared ASCII case-insensitively, RFC 5322 1.2.2).
Dkim2Presence FindDkim2Fields(const HeaderIndex& headers);

// Writes {"present":..,"signatures":N,"message_instances":M,"verified":false} as one value (call
// after Key("dkim2")). "verified" is always false: the fields are reported, not checked.
void WriteDkim2Json(const Dkim2Presence& presence, JsonWriter* json);

}  // namespace mv
