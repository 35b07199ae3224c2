// Fuzzes the IMAP mailbox name codec (imap/mailbox_name.h): names a server lists are decoded from
// modified UTF-7, names a user types are encoded to it. Whatever decodes must encode again to a
// wire name that decodes to the same text, and an encoded name is printable ASCII that decodes
// back to the input.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "imap/mailbox_name.h"

namespace {

bool PrintableAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (mv::Result<std::string> wire = mv::EncodeMailboxName(input); wire.ok()) {
    if (!PrintableAscii(*wire)) std::abort();
    mv::Result<std::string> back = mv::DecodeMailboxName(*wire);
    if (!back.ok() || *back != input) std::abort();
  }
  if (mv::Result<std::string> name = mv::DecodeMailboxName(input); name.ok()) {
    mv::Result<std::string> wire = mv::EncodeMailboxName(*name);  // decoded text is UTF-8
    if (!wire.ok()) std::abort();
    mv::Result<std::string> again = mv::DecodeMailboxName(*wire);
    if (!again.ok() || *again != *name) std::abort();
  }
  return 0;
}
