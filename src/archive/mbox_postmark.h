// LooksLikePostmark: whether one line has the form of an mbox "From_" line (the postmark a delivery
// agent writes in front of each message), wherever it stands. RFC 4155 and qmail's mbox(5) place a
// From_ line only at the start of the file or after an empty line, but real archives break that:
// Netscape/Thunderbird write "From - <date>" (or a bare "From - ") straight after a message that
// Content-Length delimited, GNU Mailutils' test spools and older MTAs omit the empty line. Python's
// mailbox, MimeKit and Thunderbird split on every line that begins "From ". mailverify keeps the
// empty-line rule for ordinary text ("From Russia with love" after a paragraph stays in the body)
// and also accepts a line without the empty line before it when it looks like a postmark:
//   "From -" alone or followed by a space (Netscape/Thunderbird), or
//   "From <sender> <weekday> <month> <day> <hh:mm[:ss]> [zone] <year>" (asctime, as mutt's is_from
//   expects; Gmail Takeout puts a zone before the year).
#pragma once

#include <cstddef>
#include <string_view>

namespace mv {

// Lines longer than this are never taken for a postmark (the test needs the whole line).
inline constexpr size_t kMaxPostmarkLine = 512;

// `line` starts with "From " and ends before its line feed (a trailing '\r' is allowed).
bool LooksLikePostmark(std::string_view line);

}  // namespace mv
