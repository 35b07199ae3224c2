// Fuzzes the .mh_sequences parser of MH folders (archive/mh_sequences.h) with the promises the
// directory walk relies on: names are non-empty and trimmed, ranges are 1 <= first <= last, and
// looking up a message number names exactly the sequences whose ranges hold it.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "archive/mh_sequences.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<mv::MhSequence> sequences = mv::ParseMhSequences(input);

  size_t lines = 1;
  for (char c : input) lines += c == '\n';
  if (sequences.size() > lines) std::abort();  // at most one sequence a line

  for (const mv::MhSequence& s : sequences) {
    if (s.name.empty() || s.name.find_first_of(":\n") != std::string::npos) std::abort();
    for (char edge : {s.name.front(), s.name.back()}) {
      if (edge == ' ' || edge == '\t' || edge == '\r') std::abort();  // trimmed
    }
    for (const auto& [first, last] : s.ranges) {
      if (first == 0 || first > last) std::abort();
      // The ends of a range are in it, the number before it only if another range holds it.
      for (uint64_t n : {first, last, first - 1}) {
        const std::vector<std::string> names = mv::MhSequenceNames(sequences, n);
        size_t expected = 0;
        for (const mv::MhSequence& t : sequences) {
          bool holds = false;
          for (const auto& [a, b] : t.ranges) holds = holds || (n >= a && n <= b);
          expected += holds;
        }
        if (names.size() != expected) std::abort();
        if (n == first || n == last) {
          bool found = false;
          for (const std::string& name : names) found = found || name == s.name;
          if (!found) std::abort();
        }
      }
    }
  }
  return 0;
}
