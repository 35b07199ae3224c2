#include "archive/mbox_postmark.h"

#include <array>
#include <vector>

namespace mv {
namespace {

bool IsDigits(std::string_view s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsOneOf(std::string_view token, const std::array<std::string_view, 12>& names, size_t n) {
  if (!token.empty() && token.back() == ',') token.remove_suffix(1);
  for (size_t i = 0; i < n; ++i) {
    if (token == names[i]) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 12> kWeekdays = {"Mon", "Tue", "Wed", "Thu",
                                                        "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// hh:mm or hh:mm:ss.
bool IsTime(std::string_view t) {
  if (t.size() != 5 && t.size() != 8) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    const bool colon = i == 2 || i == 5;
    if (colon ? t[i] != ':' : (t[i] < '0' || t[i] > '9')) return false;
  }
  return true;
}

}  // namespace

bool LooksLikePostmark(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > kMaxPostmarkLine || !line.starts_with("From ")) return false;
  std::string_view rest = line.substr(5);
  if (rest == "-" || rest.starts_with("- ")) return true;
  std::vector<std::string_view> tokens;
  while (!rest.empty()) {
    const size_t start = rest.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const size_t end = std::min(rest.find_first_of(" \t"), rest.size());
    tokens.push_back(rest.substr(0, end));
    rest.remove_prefix(end);
  }
  // The sender comes first; then weekday, month, day and time in a row, then the year, at most
  // one token (a zone) later.
  for (size_t i = 1; i + 4 < tokens.size(); ++i) {
    if (!IsOneOf(tokens[i], kWeekdays, 7) || !IsOneOf(tokens[i + 1], kMonths, 12) ||
        !IsDigits(tokens[i + 2], 1, 2) || !IsTime(tokens[i + 3])) {
      continue;
    }
    if (IsDigits(tokens[i + 4], 4, 4)) return true;
    if (i + 5 < tokens.size() && IsDigits(tokens[i + 5], 4, 4)) return true;
  }
  return false;
}

}  // namespace mv
