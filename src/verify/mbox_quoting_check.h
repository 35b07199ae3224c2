// MboxQuotingCheck: settles the mbox "From " quoting ambiguity by the DKIM body hash. The reader
// un-quotes every mbox the mboxrd way; a message written by an mboxo writer or by Gmail Takeout
// (which quote "From " lines but leave ">From " alone) may then fail its body hash although
// nothing was altered. When a body hash fails and the body has "From " lines, the bytes as stored
// are read again (archive/mbox_quoting.h) and verified as mboxrd, mboxo (Gmail's quoting), as
// stored, and finally line by line (a stored ">From " either way, up to 8 such lines in a message
// of at most 1 MiB, so a hostile body costs bounded hashing); the first reading that reproduces
// every body hash is kept and named in the record's `mbox_quoting`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dkim/dkim_verifier.h"
#include "pipeline/message_check.h"

namespace mv {

struct MboxQuotingOutcome {
  // mboxrd, mboxo, gmail (mboxo on a Takeout message), none, mixed (line by line); empty when
  // the reading does not matter (no "From " line, not an mbox, unsigned) or none reproduced bh=.
  std::string reading;
  std::string message;  // the message read that way, when it replaced the delivered bytes
};

// `dkim` holds the results on the delivered bytes; when another reading reproduces the body
// hashes, they are replaced by the results on that reading (each noting it in its detail).
MboxQuotingOutcome ResolveMboxQuoting(const ParsedMessage& msg, const DkimVerifier& verifier,
                                      int64_t verify_time, std::vector<DkimResult>* dkim);

}  // namespace mv
