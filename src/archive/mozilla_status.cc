#include "archive/mozilla_status.h"

#include <optional>

#include "message/header_index.h"

namespace mv {
namespace {

constexpr std::string_view kFieldPrefix = "X-Mozilla-";

// The header section of `message`: up to the first empty line (LF or CRLF line ends).
std::string_view HeaderSection(std::string_view message) {
  if (message.starts_with("\n") || message.starts_with("\r\n")) return {};
  for (size_t at = message.find('\n'); at != std::string_view::npos;
       at = message.find('\n', at + 1)) {
    const std::string_view rest = message.substr(at + 1);
    if (rest.starts_with("\n") || rest.starts_with("\r\n")) return message.substr(0, at + 1);
  }
  return message;
}

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// A hexadecimal value of 1 to 8 digits; nullopt for anything else.
std::optional<uint32_t> Hex(std::string_view value) {
  value = Trim(value);
  if (value.empty() || value.size() > 8) return std::nullopt;
  uint32_t out = 0;
  for (char c : value) {
    uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    out = out << 4 | digit;
  }
  return out;
}

}  // namespace

std::vector<std::string> MozillaStatusLabels(uint32_t status, uint32_t status2) {
  std::vector<std::string> labels;
  if (status & kMozillaRead) labels.emplace_back("\\Seen");
  if (status & kMozillaReplied) labels.emplace_back("\\Answered");
  if (status & kMozillaMarked) labels.emplace_back("\\Flagged");
  if (status & kMozillaForwarded) labels.emplace_back("$Forwarded");
  if ((status & kMozillaExpunged) || (status2 & kMozillaImapDeleted)) {
    labels.emplace_back("\\Deleted");
  }
  return labels;
}

void ReadMozillaStatusFields(std::string_view message, Provenance* provenance,
                             std::string* warning) {
  const std::string_view header = HeaderSection(message);
  if (header.find(kFieldPrefix) == std::string_view::npos) return;  // Mozilla writes this case
  const HeaderIndex headers = HeaderIndex::Build(header);
  std::optional<uint32_t> status, status2;
  if (const HeaderField* f = headers.First("X-Mozilla-Status")) status = Hex(f->value);
  if (const HeaderField* f = headers.First("X-Mozilla-Status2")) status2 = Hex(f->value);
  for (std::string& label : MozillaStatusLabels(status.value_or(0), status2.value_or(0))) {
    provenance->labels.push_back(std::move(label));
  }
  if (const HeaderField* f = headers.First("X-Mozilla-Keys")) {
    // Space-separated keywords; Thunderbird pads the field with blanks to rewrite it in place.
    const std::string_view keys = f->value;
    size_t start = 0;
    while (start < keys.size()) {
      const size_t end = keys.find_first_of(" \t\r\n", start);
      const std::string_view key = keys.substr(start, end - start);
      if (!key.empty()) provenance->labels.emplace_back(key);
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  }
  if (status && (*status & kMozillaPartial)) {
    provenance->mime = "incomplete";
    if (!warning->empty()) warning->append("; ");
    warning->append(
        "Thunderbird kept only part of this message (X-Mozilla-Status Partial: the rest was "
        "left on the POP server), so its body cannot be checked");
  }
}

}  // namespace mv
