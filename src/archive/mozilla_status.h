// MozillaStatus: the message state Thunderbird (and Netscape, SeaMonkey) writes into each message
// of its mbox files: `X-Mozilla-Status: XXXX` and `X-Mozilla-Status2: XXXXXXXX` (hexadecimal
// nsMsgMessageFlags) and `X-Mozilla-Keys:` (the user's tags). They are the client's, never the
// sender's. What they tell an investigator goes into the record as `labels`, in the IMAP flag
// names the IMAP reader uses: \Seen, \Answered, \Flagged, $Forwarded, \Deleted (Expunged: the
// user deleted the message and only a compaction would have removed it from the file; or marked
// deleted on the IMAP server), then the tags. A message flagged Partial holds only what a POP
// download limit let through (the rest stayed on the server): its `mime` is `incomplete`, so a
// body hash that does not match is "body unavailable", not a failure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "message/raw_message.h"

namespace mv {

inline constexpr uint32_t kMozillaRead = 0x0001;
inline constexpr uint32_t kMozillaReplied = 0x0002;
inline constexpr uint32_t kMozillaMarked = 0x0004;
inline constexpr uint32_t kMozillaExpunged = 0x0008;
inline constexpr uint32_t kMozillaPartial = 0x0400;
inline constexpr uint32_t kMozillaForwarded = 0x1000;
inline constexpr uint32_t kMozillaImapDeleted = 0x00200000;  // in X-Mozilla-Status2

// The labels the flags of X-Mozilla-Status (`status`) and X-Mozilla-Status2 (`status2`) stand for.
std::vector<std::string> MozillaStatusLabels(uint32_t status, uint32_t status2);

// When the header section of `message` has X-Mozilla-Status, -Status2 or -Keys fields, appends
// their labels to provenance->labels, and for a Partial message sets provenance->mime to
// "incomplete" and appends a note to *warning. Values that are not hexadecimal are ignored.
// Messages without such a field cost one search of their header section.
void ReadMozillaStatusFields(std::string_view message, Provenance* provenance,
                             std::string* warning);

}  // namespace mv
