// ImapInput: one imap:// or imaps:// input read as a stream of RawMessages, read-only. Each
// mailbox (the URL's, or every selectable one for "*", INBOX first, then in byte order) is opened
// with EXAMINE, never SELECT, and read with UID FETCH ... (BODY.PEEK[] INTERNALDATE FLAGS), so no
// flag changes; nothing is stored or expunged. Messages go out in UID order, one at a time:
// the reader asks for the UIDs and sizes of 100 messages (FETCH n:m (UID RFC822.SIZE)), then
// fetches them in groups of at most 8 MB, so memory stays bounded by the group size and
// max_message_size whatever the mailbox size. A message over max_message_size is not fetched; its
// record carries a read error.
//
// Mailbox names: the URL's is UTF-8 and is sent in modified UTF-7 (mailbox_name.h); names LIST
// gives are decoded to UTF-8 for records.
// Records: source = the URL with this mailbox (no password), folder = the mailbox, index = the
// record's place in this mailbox's output (0, 1, ...; not the sequence number, which another
// session's expunge changes under the scan), uid and uidvalidity, received_at = INTERNALDATE
// (received_at_source "internaldate"), labels = the message's flags, source_format "imap".
// Failures are input_error records ("URL: reason"): a bad URL, no password, connection, TLS or
// login failure, or a mailbox EXAMINE refuses each end only what they concern; a lost connection
// ends the input after the messages read so far (those of the group in flight that did not
// arrive whole get an error record each, by UID, then the input_error follows).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "imap/imap_connection.h"
#include "imap/imap_options.h"
#include "imap/imap_url.h"
#include "message/raw_message.h"

namespace mv {

class ImapInput {
 public:
  ImapInput(std::string input, ImapOptions options, size_t max_message_size);
  ~ImapInput();

  // The next record of this input; false once it is used up.
  bool Next(RawMessage* out);

 private:
  struct Mailbox {
    std::string wire;  // as the server knows it (modified UTF-7), for EXAMINE
    std::string name;  // UTF-8, for records (source, folder)
  };
  struct Listed {
    uint32_t uid = 0;
    uint64_t size = 0;
  };
  void Start();
  bool OpenNextMailbox();
  void ListNextWindow();
  void FetchNextGroup();
  // Keeps the window in step with mail that arrives (EXISTS) or that another session expunges
  // (EXPUNGE renumbers the messages after it) while the mailbox is read.
  void Track(const ImapResponse& response);
  void InputError(const std::string& mailbox, const std::string& reason);
  void Fail(const std::string& reason);  // the connection is gone: the input ends here

  std::string input_;
  ImapOptions options_;
  size_t max_message_size_;
  ImapUrl url_;
  std::unique_ptr<ImapConnection> connection_;
  bool started_ = false;
  bool done_ = false;
  std::vector<Mailbox> mailboxes_;  // still to read, in reverse order
  std::string mailbox_;             // the one being read, in UTF-8
  std::string mailbox_wire_;        // the same, in modified UTF-7
  bool mailbox_open_ = false;
  uint32_t uidvalidity_ = 0;
  uint32_t exists_ = 0;
  uint32_t next_sequence_ = 1;
  uint64_t next_index_ = 0;       // records given for this mailbox so far
  std::deque<Listed> listed_;     // UIDs known but not yet fetched, in UID order
  std::deque<RawMessage> ready_;  // records waiting to be handed on
};

}  // namespace mv
