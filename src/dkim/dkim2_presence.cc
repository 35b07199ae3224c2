#include "dkim/dkim2_presence.h"

namespace mv {

Dkim2Presence FindDkim2Fields(const HeaderIndex& headers) {
  Dkim2Presence p;
  for (const HeaderField& f : headers.fields()) {
    // Length first: nearly every field of a message has a name of another length.
    if (f.name.size() == 15 && EqualsIgnoreCase(f.name, "DKIM2-Signature")) {
      ++p.signatures;
    } else if (f.name.size() == 16 && EqualsIgnoreCase(f.name, "Message-Instance")) {
      ++p.message_instances;
    }
  }
  return p;
}

void WriteDkim2Json(const Dkim2Presence& presence, JsonWriter* json) {
  json->BeginObject()
      .Field("present", presence.present())
      .Field("signatures", static_cast<uint64_t>(presence.signatures))
      .Field("message_instances", static_cast<uint64_t>(presence.message_instances))
      .Field("verified", false)
      .EndObject();
}

}  // namespace mv
