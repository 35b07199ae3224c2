#include "archive/mh_sequences.h"

#include <charconv>
#include <optional>

namespace mv {
namespace {

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

std::optional<uint64_t> Number(std::string_view s) {
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n == 0) return std::nullopt;
  return n;
}

// Adds the numbers and ranges of `list` ("1-3 7 12-15") to `sequence`.
void AddRanges(std::string_view list, MhSequence* sequence) {
  size_t start = 0;
  while (start < list.size()) {
    size_t end = list.find_first_of(" \t\r", start);
    if (end == std::string_view::npos) end = list.size();
    const std::string_view token = list.substr(start, end - start);
    start = end + 1;
    if (token.empty()) continue;
    const size_t dash = token.find('-');
    const std::optional<uint64_t> first = Number(token.substr(0, dash));
    const std::optional<uint64_t> last =
        dash == std::string_view::npos ? first : Number(token.substr(dash + 1));
    if (first && last && *first <= *last) sequence->ranges.emplace_back(*first, *last);
  }
}

}  // namespace

std::vector<MhSequence> ParseMhSequences(std::string_view text) {
  std::vector<MhSequence> sequences;
  bool continues = false;  // the last line began a sequence that a blank-led line may continue
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      if (continues) AddRanges(line, &sequences.back());
      continue;
    }
    const size_t colon = line.find(':');
    const std::string_view name =
        colon == std::string_view::npos ? "" : Trim(line.substr(0, colon));
    continues = !name.empty();
    if (!continues) continue;
    sequences.push_back({std::string(name), {}});
    AddRanges(line.substr(colon + 1), &sequences.back());
  }
  return sequences;
}

std::vector<std::string> MhSequenceNames(const std::vector<MhSequence>& sequences,
                                         uint64_t number) {
  std::vector<std::string> names;
  for (const MhSequence& s : sequences) {
    for (const auto& [first, last] : s.ranges) {
      if (number >= first && number <= last) {
        names.push_back(s.name);
        break;
      }
    }
  }
  return names;
}

}  // namespace mv
