// MboxQuoting: the other ways an mbox message's stored bytes can be read. Writers protect body
// lines that begin "From " without saying how: mboxrd adds one '>' to every line matching
// /^>*From / (reversible), mboxo and Gmail Takeout add one to lines beginning "From " only (so a
// stored ">From " was either "From " or ">From "), mboxcl2 adds nothing. The reader un-quotes the
// mboxrd way (archive_options.h); when that does not reproduce a DKIM body hash, these readings
// of the bytes as stored are what a verifier can try instead (verify/mbox_quoting_check.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "message/raw_message.h"
#include "util/status.h"

namespace mv {

enum class MboxReading {
  kMboxrd,  // every /^>+From / line loses one '>'
  kMboxo,   // every /^>From / line (exactly one '>') loses it: mboxo's and Gmail's quoting undone
  kNone,    // as stored (mboxcl2, or a writer that did not quote)
};

std::string_view MboxReadingName(MboxReading reading);  // "mboxrd", "mboxo", "none"

// True when some line of `message` matches /^>*From /: only then can the reading matter.
bool HasFromLines(std::string_view message);

// `stored` read the given way.
std::string ReadMboxAs(std::string_view stored, MboxReading reading);

// The offsets of the lines of `stored` that begin ">From " (one '>'): under mboxo or Gmail
// quoting each may have been "From " or ">From " when delivered.
std::vector<size_t> AmbiguousFromLines(std::string_view stored);

// `stored` with the '>' removed from the lines at `offsets[i]` whose bit i is set in `mask`.
std::string UnquoteLines(std::string_view stored, const std::vector<size_t>& offsets,
                         unsigned mask);

// The message bytes exactly as the mbox stores them (after its "From " line, before any
// un-quoting), read again from the file the provenance names. Only an uncompressed regular file
// can be read at an offset: others (compressed, stdin) are an error, as is a file whose bytes at
// the offset are not a "From " line any more, or a message larger than `max_size`.
Result<std::string> ReadStoredMboxMessage(const Provenance& provenance, size_t max_size);

}  // namespace mv
