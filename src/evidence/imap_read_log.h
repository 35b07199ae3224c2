// ImapReadLog: what the scan read from each imap:// or imaps:// input, for the run manifest — the
// URL (never a password), each mailbox with its UIDVALIDITY and the first and last UID and the
// number of records — gathered from the records as they are written, so the facts are those the
// reader saw in its own session (no second connection, which could see another mailbox state).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "imap/imap_url.h"
#include "report/message_record.h"

namespace mv {

struct ImapMailboxRead {
  std::string mailbox;
  std::optional<uint32_t> uidvalidity{};  // unset when no message record came from it
  uint32_t first_uid = 0;                 // lowest and highest UID of a record (0 when none)
  uint32_t last_uid = 0;
  uint64_t records = 0;  // message records with a UID (also those whose fetch failed)
};

struct ImapInputRead {
  std::string url;  // the input as records name it (scheme, user, host, port, mailbox)
  std::vector<ImapMailboxRead> mailboxes;  // in reading order
  std::vector<std::string> errors;         // input_error records of this input, in order
};

class ImapReadLog {
 public:
  // One entry per IMAP input of `inputs` (file inputs are skipped), in order.
  explicit ImapReadLog(const std::vector<std::string>& inputs);

  bool empty() const { return inputs_.empty(); }
  // Every written record in output order; records of file inputs are ignored.
  void Add(std::span<const MessageRecord> records);
  std::vector<ImapInputRead> reads() const;

 private:
  struct Input {
    std::optional<ImapUrl> url;  // unset when the URL does not parse (then errors say why)
    std::string prefix;          // "imap[s]://[user@]host:port/": every record source starts so
    ImapInputRead read;
    bool ended = false;  // an input_error without a mailbox ended this input
  };
  bool Belongs(const Input& input, const Provenance& p) const;
  bool Restarts(const Input& input, const Provenance& p) const;
  void Record(Input* input, const MessageRecord& record);

  std::vector<Input> inputs_;
  size_t current_ = 0;  // records come in input order: the input the last record belonged to
};

}  // namespace mv
