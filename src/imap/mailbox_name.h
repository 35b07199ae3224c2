// IMAP mailbox names on the wire (RFC 3501 5.1.3, "modified UTF-7") and in UTF-8, as URLs
// (RFC 5092: the mailbox part is UTF-8, %-encoded) and records show them. The server sees and
// lists names such as "&ZeVnLIqe-"; a user types, and a record's `folder` says, "日本語".
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace mv {

// The wire form of a UTF-8 name: printable ASCII stands for itself, "&" becomes "&-", everything
// else is UTF-16 in modified BASE64 ("," for "/") between "&" and "-". An error for bytes that
// are not UTF-8 (overlong forms, surrogates and code points past U+10FFFF included).
Result<std::string> EncodeMailboxName(std::string_view utf8);

// The UTF-8 form of a wire name. An error when it is not modified UTF-7: a "&" run that is not
// BASE64, leaves bits set or a UTF-16 unit unpaired, encodes printable ASCII, or never ends.
Result<std::string> DecodeMailboxName(std::string_view wire);

}  // namespace mv
