#include "report/receive_time.h"

#include "report/mail_date.h"

namespace mv {

std::optional<int64_t> ReceivedFieldTime(std::string_view value) {
  const size_t semicolon = value.rfind(';');
  if (semicolon == std::string_view::npos) return std::nullopt;
  return ParseMailDate(value.substr(semicolon + 1));
}

void FillReceiveTimeFromHeaders(const HeaderIndex& headers, Provenance* provenance) {
  if (provenance->received_at) return;
  const HeaderField* received = headers.First("Received");
  if (received == nullptr) return;
  if (std::optional<int64_t> t = ReceivedFieldTime(received->value)) {
    provenance->received_at = *t;
    provenance->received_at_source = "received-header";
  }
}

}  // namespace mv
