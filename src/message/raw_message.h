// RawMessage: one message as an archive reader hands it on — the exact delivered bytes (a view into
// a buffer shared with the reader, kept alive by `buffer`) plus where the message came from.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mv {

struct Provenance {
  std::string source;   // path of the file (or "-" for stdin); inside a Maildir, the message file
  uint64_t index = 0;   // 0-based position of the message within `source`
  uint64_t offset = 0;  // byte offset in the (decompressed) source; for mbox, where "From " starts
  uint64_t size = 0;    // bytes of the message as stored (before mboxrd un-quoting)

  // What the store says about the message beyond its bytes. Empty fields are not reported. The
  // `{}` initializers let readers that know only the first four fields brace-initialize them.
  std::string source_format{};  // mbox, maildir, eml, emlx, partial-emlx, pst, ost, msg, mh, imap
  std::string folder{};         // the folder inside the store (PST folder path, IMAP mailbox, ...)
  // original (the bytes as delivered), reassembled (rebuilt from parts the store kept apart, e.g.
  // .partial.emlx), headers-only (the store kept the header block but not the MIME body, e.g. PST),
  // incomplete (rebuilt, but some part the store kept apart is missing, or the store says the
  // message is longer than what it holds): a body hash that does not match proves nothing then.
  std::string mime{};
  std::optional<int64_t> received_at{};  // unix seconds, when the store records a receive time
  std::string received_at_source{};      // where that time comes from: plist, internaldate, ...
  std::vector<std::string> labels{};     // Gmail labels (X-Gmail-Labels), store keywords
  std::optional<uint32_t> uid{};         // IMAP UID, with the mailbox's UIDVALIDITY
  std::optional<uint32_t> uidvalidity{};
  std::string gmail_thread_id{};  // Gmail Takeout's X-GM-THRID (decimal), the conversation id
};

struct RawMessage {
  std::shared_ptr<const void> buffer;  // owns the memory `bytes` points into
  std::string_view bytes;              // the message as delivered (no mbox "From " line)
  Provenance provenance;
  // Set when the reader could not produce the message (bytes may then be empty or partial).
  std::string read_error;
  // Set when the store holds the message in a doubtful shape that can still be checked (a part of
  // a .partial.emlx is missing, an .emlx byte count disagrees with its data): reported in the
  // record's error, but unlike read_error the message is verified.
  std::string store_warning;
  // True when the record stands for a whole input that failed (unreadable file, corrupt archive
  // stream) rather than for one message; `read_error` says why.
  bool input_error = false;
};

}  // namespace mv
