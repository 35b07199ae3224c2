#include "archive/gmail_takeout.h"

#include "message/header_index.h"

namespace mv {
namespace {

constexpr std::string_view kThreadField = "X-GM-THRID";
constexpr std::string_view kLabelsField = "X-Gmail-Labels";
constexpr size_t kMaxLeadingFields = 4;  // Takeout writes two; allow a little reordering

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// A field value with its folding removed (line breaks dropped, the blank that follows kept).
std::string Unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

bool StartsWithField(std::string_view message, std::string_view name) {
  return message.size() > name.size() && EqualsIgnoreCase(message.substr(0, name.size()), name) &&
         (message[name.size()] == ':' || message[name.size()] == ' ');
}

}  // namespace

std::vector<std::string> ParseGmailLabels(std::string_view value) {
  std::vector<std::string> labels;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  const auto finish = [&] {
    std::string label = was_quoted ? field : std::string(Trim(field));
    if (!label.empty()) labels.push_back(std::move(label));
    field.clear();
    was_quoted = false;
  };
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (quoted) {
      if (c == '"' && i + 1 < value.size() && value[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && Trim(field).empty()) {
      field.clear();
      quoted = true;
      was_quoted = true;
    } else if (c == ',') {
      finish();
    } else if (!was_quoted) {
      field.push_back(c);  // text after a closing quote (malformed CSV) is dropped
    }
  }
  finish();
  return labels;
}

void ReadGmailTakeoutFields(std::string_view message, Provenance* provenance) {
  if (!StartsWithField(message, kThreadField) && !StartsWithField(message, kLabelsField)) return;
  HeaderLimits limits;
  limits.max_fields = kMaxLeadingFields;
  const HeaderIndex headers = HeaderIndex::Build(message, limits);
  for (const HeaderField& f : headers.fields()) {
    if (EqualsIgnoreCase(f.name, kThreadField)) {
      provenance->gmail_thread_id = std::string(Trim(Unfold(f.value)));
    } else if (EqualsIgnoreCase(f.name, kLabelsField)) {
      provenance->labels = ParseGmailLabels(Unfold(f.value));
    }
  }
}

}  // namespace mv
