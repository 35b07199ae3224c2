// ReceiveTime: the receive time of a message whose store recorded none (mbox, Maildir, MH, .eml
// keep no receive time of their own, unlike an .emlx property list or IMAP's INTERNALDATE). The
// topmost Received field is the stamp the receiving server wrote when it took the message (RFC
// 5321 4.4: its date follows the last ';'), so the record shows that time with
// received_at_source "received-header"; a time the store recorded is kept as it is.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "message/header_index.h"
#include "message/raw_message.h"

namespace mv {

// The date after the last ';' of a Received field's value; nullopt when there is none.
std::optional<int64_t> ReceivedFieldTime(std::string_view value);

// Sets provenance->received_at (source "received-header") from the topmost Received field when
// the store recorded no receive time and that field has a date.
void FillReceiveTimeFromHeaders(const HeaderIndex& headers, Provenance* provenance);

}  // namespace mv
