// EmlxReader: turns the bytes of one Apple Mail .emlx or .partial.emlx file into the RawMessage
// the pipeline checks — the message without the byte-count line and property list, rebuilt from
// its Attachments/ parts when Mail kept some apart — with the store's facts in its provenance:
// source_format emlx | partial-emlx, folder (the ".mbox" mailbox path), mime original |
// reassembled | incomplete, and received_at from the property list's date-received.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "message/raw_message.h"

namespace mv {

// `file` owns `data`, the whole file (LooksLikeEmlx(data) holds). Sets out->bytes, out->buffer,
// the provenance fields named above and out->store_warning; leaves source/index/offset/size alone.
// A part that makes the message larger than `max_message_size` is treated as missing.
void ReadEmlxMessage(const std::string& path, std::shared_ptr<const void> file,
                     std::string_view data, size_t max_message_size, RawMessage* out);

}  // namespace mv
