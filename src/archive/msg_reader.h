// MsgReader: one Outlook .msg file (a Compound File Binary holding one message object, [MS-OXMSG],
// read with libolecf) as one record.
//
// The record's bytes are the transport headers kept in the stream __substg1.0_007D001F (UTF-16LE)
// or __substg1.0_007D001E (8-bit) as a headers-only message; received_at is
// PidTagMessageDeliveryTime (0x0E06, a fixed-size property in __properties_version1.0;
// "msg-delivery-time"). An IPM.Note.SMIME.MultipartSigned message keeps the signed entity byte for
// byte as its only attachment (__substg1.0_37010102): then the record is that original MIME
// (mime "original"). A message without transport headers (a draft, or one created in Outlook) is a
// record with read_error; a file libolecf cannot open is an input_error record. Attached messages
// (attachment storages with a __substg1.0_3701000D sub-storage) are part of this message and get no
// record of their own.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "archive/outlook_store.h"

namespace mv {

class MsgReader : public OutlookStoreReader {
 public:
  MsgReader(std::string path, const ArchiveOptions& options);
  ~MsgReader() override;
  bool Next(RawMessage* out) override;

 private:
  std::string path_;
  ArchiveOptions options_;
  bool done_ = false;
};

// The 8-byte value of the fixed-size property `tag` (property id << 16 | type) in the stream
// __properties_version1.0 of a top-level message: a 32-byte header, then 16-byte entries (tag,
// flags, value). Nothing when the tag is absent or the stream is too short.
std::optional<uint64_t> MsgFixedProperty(std::string_view properties, uint32_t tag);

}  // namespace mv
