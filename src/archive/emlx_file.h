// EmlxFile: the layout of one Apple Mail .emlx file — a first line with the decimal byte count of
// the message, the RFC 5322 message itself, then an XML property list (emlx_plist.h) with Mail's
// own facts such as date-received. Files edited after Mail wrote them have counts that no longer
// match; the property list, when present, is then what marks the end of the message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mv {

struct EmlxLayout {
  std::string_view message;  // the RFC 5322 message (LF line ends as Mail stores them)
  std::string_view plist;    // the property list after it; empty when the file has none
  // Set when the byte count disagrees with the data ("byte count 3007, but 2139 bytes precede the
  // property list"); the message is still whole as far as the file can tell.
  std::string warning;
  // The count promises more bytes than the file holds and no property list follows: the message
  // may have been cut short, so a body that does not match its signature proves nothing.
  bool truncated = false;
};

// True when `data` starts with an .emlx byte-count line: 1 to 10 digits, optional spaces (Mail.app
// pads the count to 10 columns), an optional CR, then LF. No RFC 5322 message can start so (a
// header field name cannot be followed by a line end), so this tells an .emlx from an .eml.
bool LooksLikeEmlx(std::string_view data);

// Splits an .emlx (LooksLikeEmlx must hold) into message and property list.
EmlxLayout SplitEmlx(std::string_view data);

// The Apple Mail mailbox an .emlx lives in, from the ".mbox" directories of its path
// (".../Mail/V10/<account>/Work.mbox/Projects.mbox/<uuid>/Data/Messages/1.emlx" is
// "Work/Projects"); empty when the path has none.
std::string EmlxMailbox(std::string_view path);

}  // namespace mv
