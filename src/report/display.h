// Display decoding of header field values: unfolding and RFC 2047 encoded-words, so that a Subject
// or From can be shown to a person as UTF-8. This is for reports only; signature checks always use
// the raw bytes. Decoding is lenient the way mail readers are (encoded-words glued to text or
// inside quotes are decoded too), and an encoded-word that cannot be decoded is kept exactly as
// written.
#pragma once

#include <string>
#include <string_view>

namespace mv {

// Removes folding (a line break followed by a space or tab) and trims leading and trailing blanks.
std::string UnfoldAndTrim(std::string_view value);

// UnfoldAndTrim, then every RFC 2047 encoded-word ("=?charset?B|Q?text?=") is replaced by its text
// converted to UTF-8. Blanks between two adjacent encoded-words are dropped (RFC 2047 6.2), and
// adjacent words in one charset are joined before conversion so that a character split across
// words still decodes.
std::string DecodeHeaderForDisplay(std::string_view value);

}  // namespace mv
