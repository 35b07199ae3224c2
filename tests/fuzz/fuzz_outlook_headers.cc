// Fuzzes what mailverify itself parses of an Outlook store (PST/OST/MSG): the transport-header
// property turned into a headers-only message (UTF-16LE or 8-bit, Exchange preamble, line ends),
// the S/MIME signed-entity reassembly and the .msg fixed-property scan. libpff and libolecf parse
// the containers; these are the byte-level steps after them. Input: one option byte (bit 0: string
// type), then the property value up to a 0xFF byte, then the signed entity.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "archive/msg_reader.h"
#include "archive/transport_headers.h"
#include "fuzz_input.h"
#include "message/header_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mv::FuzzInput in(data, size);
  const uint8_t options = in.TakeByte();
  const std::string_view value = in.TakeUntil('\xff');
  const std::string_view entity = in.rest();
  const auto type =
      (options & 1) != 0 ? mv::MapiStringType::kString8 : mv::MapiStringType::kUnicode;

  const std::string message = mv::TransportHeadersToMessage(value, type);
  if (!message.empty()) {
    // A header section of CRLF lines ending in one empty line, with no body and no bare LF.
    if (message.size() < 4 || message.compare(message.size() - 4, 4, "\r\n\r\n") != 0) std::abort();
    for (size_t k = 0; k < message.size(); ++k) {
      if (message[k] == '\n' && (k == 0 || message[k - 1] != '\r')) std::abort();
    }
    if (message.find("\r\n\r\n") != message.size() - 4) std::abort();
    const mv::HeaderIndex index = mv::HeaderIndex::Build(message);
    if (!index.body().empty()) std::abort();
    // Idempotent: the readers' output read again as an 8-bit property is unchanged.
    if (mv::TransportHeadersToMessage(message, mv::MapiStringType::kString8) != message) {
      std::abort();
    }
  }
  if (std::optional<std::string> original = mv::AssembleSignedMime(message, entity)) {
    if (original->compare(0, message.size(), message) != 0) std::abort();
    if (original->size() - message.size() > entity.size()) std::abort();
  }
  (void)mv::MsgFixedProperty(value, 0x0E060040);
  if (value.size() >= 8) {
    uint64_t ft = 0;
    for (int k = 7; k >= 0; --k) ft = ft << 8 | static_cast<uint8_t>(value[static_cast<size_t>(k)]);
    if (std::optional<int64_t> t = mv::FiletimeToUnix(ft); t && *t < 0) std::abort();
  }
  return 0;
}
