// PartialEmlx: rebuilds the MIME message of an Apple Mail .partial.emlx. Mail.app keeps large or
// downloaded-later parts outside the .emlx: such a part keeps its MIME header, gains an
// `X-Apple-Content-Length: <decoded size>` field, and has an empty body; its content is the file
// `Attachments/<id>/<part>/<name>` beside the `Messages/` folder, where <id> is the .emlx's number
// and <part> the IMAP section number (2, 2.4, ...). Reassembly re-encodes each such file with the
// part's Content-Transfer-Encoding and puts it back, and drops the X-Apple-Content-Length field.
// The result has the original MIME structure and content, but an encoder's line layout need not be
// the sender's, so a DKIM body hash may still differ; a part whose file is missing stays empty.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mv {

struct PartialEmlx {
  std::string message;               // the rebuilt message; empty when no part was kept apart
  size_t parts_kept_apart = 0;       // parts carrying X-Apple-Content-Length
  std::vector<std::string> missing;  // their section numbers whose file was not found or read
  std::string error;                 // set when a part file could not be read (too big, I/O)
};

// `<dir of Messages>/../Attachments/<id>` for ".../Messages/<id>.partial.emlx".
std::string PartialEmlxAttachmentsDir(std::string_view emlx_path);

// Rebuilds `message` (the message bytes of the .emlx) from the part files under
// `attachments_dir`. The rebuilt message is at most `max_size` bytes: a part that would pass it
// counts as missing (with `error` set). MIME nesting deeper than 32 levels is not followed.
PartialEmlx ReassemblePartialEmlx(std::string_view message, const std::string& attachments_dir,
                                  size_t max_size);

}  // namespace mv
