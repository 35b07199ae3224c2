// MhSequences: the `.mh_sequences` file of an MH folder, one sequence a line —
// `name: 1-3 7 12-15` (nmh, GNU Mailutils) — naming the messages the user or the mail tools put
// in a sequence: `unseen` (not yet read), `cur` (the current message), or any the user made
// (`urgent`, `todo`). An investigator wants to know them, so each message's record carries the
// names of the sequences it is in as `labels`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mv {

struct MhSequence {
  std::string name;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // inclusive [first, last]
};

// Parses the text of a .mh_sequences file. A line that starts with a blank continues the line
// before it (MH's profile syntax); a malformed number or range is skipped, not fatal.
std::vector<MhSequence> ParseMhSequences(std::string_view text);

// The names of the sequences that hold message `number`, in the file's order.
std::vector<std::string> MhSequenceNames(const std::vector<MhSequence>& sequences, uint64_t number);

}  // namespace mv
