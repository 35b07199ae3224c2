// RawMessage: one message as an archive reader hands it on — the exact delivered bytes (a view into a
// buffer shared with the reader, kept alive by `buffer`) plus where the message came from.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace mv {

struct Provenance {
  std::string source;   // path of the file (or "-" for stdin); inside a Maildir, the message file
  uint64_t index = 0;   // 0-based position of the message within `source`
  uint64_t offset = 0;  // byte offset in the (decompressed) source; for mbox, where "From " starts
  uint64_t size = 0;    // bytes of the message as stored (before mboxrd un-quoting)
};

struct RawMessage {
  std::shared_ptr<const void> buffer;  // owns the memory `bytes` points into
  std::string_view bytes;              // the message as delivered (no mbox "From " line)
  Provenance provenance;
  // Set when the reader could not produce the message (bytes may then be empty or partial).
  std::string read_error;
  // True when the record stands for a whole input that failed (unreadable file, corrupt archive
  // stream) rather than for one message; `read_error` says why.
  bool input_error = false;
};

}  // namespace mv
