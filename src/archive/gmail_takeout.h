// GmailTakeout: the two header fields Google Takeout puts in front of every message of a Gmail
// mbox — `X-GM-THRID: <decimal thread id>` and `X-Gmail-Labels: <labels>` (a CSV list, a label
// quoted when it holds a comma: `Inbox,Important,"Work, old",Opened`). They are Takeout's, not
// the sender's (never signed), and carry what Gmail knew: the conversation and the labels.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "message/raw_message.h"

namespace mv {

// The labels of an X-Gmail-Labels value: CSV fields, unquoted ("" inside quotes is one "),
// blanks around a field dropped, empty fields skipped. Non-ASCII labels stay as Takeout wrote
// them (RFC 2047 encoded words are not decoded here).
std::vector<std::string> ParseGmailLabels(std::string_view value);

// When `message` starts with X-GM-THRID and/or X-Gmail-Labels (Takeout writes them first), sets
// `gmail_thread_id` and `labels`. Only the leading fields are looked at, so other messages cost
// one comparison.
void ReadGmailTakeoutFields(std::string_view message, Provenance* provenance);

}  // namespace mv
