#include "imap/imap_input.h"

#include "imap/mailbox_name.h"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace mv {
namespace {

constexpr uint32_t kWindowMessages = 100;
constexpr uint64_t kGroupBytes = uint64_t{8} << 20;

// "mv12 NO [NONEXISTENT] Mailbox doesn't exist" as one phrase for an error message.
std::string Describe(const ImapResponse& r) {
  std::string out = r.status;
  if (!r.code.empty()) out += " [" + r.code + "]";
  if (!r.status_text.empty()) out += " " + r.status_text;
  return out;
}

// A UID set for the command line: runs of consecutive UIDs as "a:b".
std::string UidSet(const std::vector<uint32_t>& uids) {
  std::string out;
  for (size_t i = 0; i < uids.size();) {
    size_t j = i;
    while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(uids[i]);
    if (j > i) out += ":" + std::to_string(uids[j]);
    i = j + 1;
  }
  return out;
}

// The input as typed, with any user information (which may hold a password) replaced by "***".
std::string RedactedUrl(const std::string& input) {
  const size_t scheme_end = input.find("://");
  if (scheme_end == std::string::npos) return input;
  const size_t authority = scheme_end + 3;
  const size_t path = input.find('/', authority);
  const size_t at = input.rfind('@', path == std::string::npos ? std::string::npos : path);
  if (at == std::string::npos || at < authority) return input;
  return input.substr(0, authority) + "***" + input.substr(at);
}

}  // namespace

ImapInput::ImapInput(std::string input, ImapOptions options, size_t max_message_size)
    : input_(std::move(input)), options_(std::move(options)), max_message_size_(max_message_size) {}

ImapInput::~ImapInput() {
  if (connection_) connection_->Logout();
}

bool ImapInput::Next(RawMessage* out) {
  if (!started_) {
    started_ = true;
    Start();
  }
  while (ready_.empty() && !done_) {
    if (!listed_.empty()) {
      FetchNextGroup();
    } else if (mailbox_open_ && next_sequence_ <= exists_) {
      ListNextWindow();
    } else if (!OpenNextMailbox()) {
      done_ = true;
    }
  }
  if (ready_.empty()) {
    if (connection_) connection_->Logout();
    connection_.reset();
    return false;
  }
  *out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

void ImapInput::Start() {
  Result<ImapUrl> url = ParseImapUrl(input_);
  if (!url.ok()) {
    Fail(RedactedUrl(input_) + ": " + url.error());
    return;
  }
  url_ = std::move(*url);
  // The URL names the mailbox in UTF-8 (RFC 5092); the server knows it in modified UTF-7.
  Mailbox wanted{url_.mailbox, url_.mailbox};
  if (url_.mailbox != "*") {
    Result<std::string> wire = EncodeMailboxName(url_.mailbox);
    if (!wire.ok()) {
      Fail(url_.Display(url_.mailbox) + ": " + wire.error());
      return;
    }
    wanted.wire = std::move(*wire);
  }
  Result<std::string> password = ImapPassword(options_);
  if (!password.ok()) {
    Fail(url_.Display(url_.mailbox) + ": " + password.error());
    return;
  }
  ImapConnectOptions connect;
  connect.server_url = url_.ServerUrl();
  connect.user = url_.user;
  connect.password = std::move(*password);
  connect.insecure = options_.insecure;
  connect.allow_plaintext = options_.plaintext;
  connect.timeout_seconds = options_.timeout_seconds;
  connect.max_literal = max_message_size_;
  Result<std::unique_ptr<ImapConnection>> opened = ImapConnection::Open(connect);
  std::fill(connect.password.begin(), connect.password.end(), '\0');
  if (!opened.ok()) {
    Fail(url_.Display(url_.mailbox) + ": " + opened.error());
    return;
  }
  connection_ = std::move(*opened);

  if (url_.mailbox != "*") {
    mailboxes_.push_back(std::move(wanted));
    return;
  }
  std::vector<Mailbox> names;
  Result<ImapResponse> listed = connection_->Command(
      "LIST \"\" \"*\"",
      [&names](const ImapResponse& r, const std::shared_ptr<const std::string>&) {
        if (std::optional<ImapListEntry> entry = InterpretList(r); entry && entry->selectable) {
          // A name that is not modified UTF-7 is shown as the server sent it.
          Result<std::string> name = DecodeMailboxName(entry->name);
          names.push_back({entry->name, name.ok() ? std::move(*name) : entry->name});
        }
        return Status::Ok();
      });
  if (!listed.ok() || listed->status != "OK") {
    Fail(url_.Display("*") +
         ": LIST failed: " + (listed.ok() ? Describe(*listed) : listed.error()));
    return;
  }
  // INBOX first, then byte order; mailboxes_ is consumed from the back.
  std::sort(names.begin(), names.end(), [](const Mailbox& a, const Mailbox& b) {
    if ((a.wire == "INBOX") != (b.wire == "INBOX")) return a.wire == "INBOX";
    return a.wire < b.wire;
  });
  mailboxes_.assign(names.rbegin(), names.rend());
}

bool ImapInput::OpenNextMailbox() {
  mailbox_open_ = false;
  while (!mailboxes_.empty() && connection_) {
    mailbox_ = std::move(mailboxes_.back().name);
    mailbox_wire_ = std::move(mailboxes_.back().wire);
    mailboxes_.pop_back();
    uidvalidity_ = 0;
    exists_ = 0;
    next_sequence_ = 1;
    next_index_ = 0;
    bool has_uidvalidity = false;
    if (mailbox_wire_.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      InputError(mailbox_, "the mailbox name holds a line break or NUL; it is not examined");
      return true;
    }
    Result<ImapResponse> examined = connection_->Command(
        "EXAMINE " + QuoteImapString(mailbox_wire_),
        [&](const ImapResponse& r, const std::shared_ptr<const std::string>&) {
          if (r.values.size() == 2 && r.values[1].IsAtom("EXISTS")) {
            exists_ = static_cast<uint32_t>(std::strtoul(r.values[0].text.c_str(), nullptr, 10));
          } else if (r.code.rfind("UIDVALIDITY ", 0) == 0) {
            uidvalidity_ = static_cast<uint32_t>(std::strtoul(r.code.c_str() + 12, nullptr, 10));
            has_uidvalidity = true;
          }
          return Status::Ok();
        });
    if (!examined.ok()) {
      Fail(url_.Display(mailbox_) + ": EXAMINE failed: " + examined.error());
      return false;
    }
    if (examined->status != "OK") {
      InputError(mailbox_, "EXAMINE failed: " + Describe(*examined));
      return true;  // the error record goes out; the next call tries the next mailbox
    }
    if (!has_uidvalidity) {
      InputError(mailbox_, "the server sent no UIDVALIDITY, so UIDs would not identify messages");
      return true;
    }
    mailbox_open_ = true;
    return true;
  }
  return false;
}

void ImapInput::ListNextWindow() {
  const uint32_t first = next_sequence_;
  const uint32_t last = std::min<uint64_t>(exists_, uint64_t{first} + kWindowMessages - 1);
  std::vector<Listed> window;
  // Set before the command so that an EXPUNGE arriving with its answer renumbers it (Track).
  next_sequence_ = last + 1;
  Result<ImapResponse> done = connection_->Command(
      "FETCH " + std::to_string(first) + ":" + std::to_string(last) + " (UID RFC822.SIZE)",
      [this, &window](const ImapResponse& r, const std::shared_ptr<const std::string>&) {
        Track(r);
        Result<std::optional<ImapFetch>> fetch = InterpretFetch(r);
        if (!fetch.ok()) return fetch.status();
        if (*fetch && (*fetch)->uid && (*fetch)->size) {
          window.push_back({*(*fetch)->uid, *(*fetch)->size});
        }
        return Status::Ok();
      });
  if (!done.ok()) {
    Fail(url_.Display(mailbox_) + ": FETCH failed: " + done.error());
    return;
  }
  if (done->status != "OK") {
    InputError(mailbox_, "FETCH failed: " + Describe(*done));
    next_sequence_ = exists_ + 1;  // the rest of this mailbox cannot be listed either
    return;
  }
  std::sort(window.begin(), window.end(),
            [](const Listed& a, const Listed& b) { return a.uid < b.uid; });
  window.erase(std::unique(window.begin(), window.end(),
                           [](const Listed& a, const Listed& b) { return a.uid == b.uid; }),
               window.end());
  listed_.assign(window.begin(), window.end());
}

void ImapInput::FetchNextGroup() {
  // The group: the next messages up to kGroupBytes (at least one); oversized ones are skipped
  // here and get their error record in UID order below.
  std::vector<Listed> group;
  uint64_t bytes = 0;
  while (!listed_.empty() && group.size() < kWindowMessages) {
    const Listed& next = listed_.front();
    const uint64_t cost = next.size > max_message_size_ ? 0 : next.size;
    if (!group.empty() && bytes + cost > kGroupBytes) break;
    bytes += cost;
    group.push_back(next);
    listed_.pop_front();
  }
  std::vector<uint32_t> wanted;
  for (const Listed& l : group) {
    if (l.size <= max_message_size_) wanted.push_back(l.uid);
  }
  struct Fetched {
    std::shared_ptr<const std::string> frame;
    ImapFetch fetch;
  };
  std::map<uint32_t, Fetched> fetched;
  std::string bad_response;
  std::string lost;  // why the connection ended, if it did
  if (!wanted.empty()) {
    Result<ImapResponse> done = connection_->Command(
        "UID FETCH " + UidSet(wanted) + " (UID BODY.PEEK[] INTERNALDATE FLAGS)",
        [&](const ImapResponse& r, const std::shared_ptr<const std::string>& frame) {
          Track(r);
          Result<std::optional<ImapFetch>> fetch = InterpretFetch(r);
          if (!fetch.ok()) {
            bad_response = fetch.error();
            return Status::Ok();  // that message gets the error; the others are still good
          }
          if (*fetch && (*fetch)->uid && (*fetch)->body) {
            fetched[*(*fetch)->uid] = Fetched{frame, std::move(**fetch)};
          }
          return Status::Ok();
        });
    if (!done.ok()) {
      // The connection is gone mid-answer: the messages that arrived whole are kept, the rest of
      // the group get an error record each, and the input ends after them (below).
      lost = "UID FETCH failed: " + done.error();
      bad_response = "the connection was lost before it arrived";
    } else if (done->status != "OK") {
      bad_response = "UID FETCH failed: " + Describe(*done);
    }
  }
  for (const Listed& l : group) {
    RawMessage m;
    Provenance& p = m.provenance;
    p.source = url_.Display(mailbox_);
    p.index = next_index_++;
    p.size = l.size;
    p.source_format = "imap";
    p.folder = mailbox_;
    p.uid = l.uid;
    p.uidvalidity = uidvalidity_;
    auto it = fetched.find(l.uid);
    if (l.size > max_message_size_) {
      m.read_error = "message of " + std::to_string(l.size) +
                     " bytes is larger than --max-message-size (" +
                     std::to_string(max_message_size_) + ")";
    } else if (it == fetched.end()) {
      m.read_error = "UID " + std::to_string(l.uid) + " was not returned by the server" +
                     (bad_response.empty() ? " (expunged meanwhile?)" : ": " + bad_response);
    } else {
      m.bytes = *it->second.fetch.body;
      m.buffer = it->second.frame;
      p.size = m.bytes.size();
      p.mime = "original";
      if (it->second.fetch.internal_date) {
        p.received_at = it->second.fetch.internal_date;
        p.received_at_source = "internaldate";
      }
      // \Recent says "new to this session", not something stored with the message.
      for (std::string& flag : it->second.fetch.flags) {
        if (flag != "\\Recent") p.labels.push_back(std::move(flag));
      }
    }
    ready_.push_back(std::move(m));
  }
  if (!lost.empty()) Fail(url_.Display(mailbox_) + ": " + lost);
}

void ImapInput::Track(const ImapResponse& r) {
  if (r.values.size() != 2 || r.values[0].kind != ImapValue::Kind::kAtom) return;
  const uint32_t n = static_cast<uint32_t>(std::strtoul(r.values[0].text.c_str(), nullptr, 10));
  if (r.values[1].IsAtom("EXISTS")) {
    exists_ = n;
  } else if (r.values[1].IsAtom("EXPUNGE") && n >= 1 && n <= exists_) {
    --exists_;
    if (n < next_sequence_) --next_sequence_;
  }
}

void ImapInput::InputError(const std::string& mailbox, const std::string& reason) {
  RawMessage m;
  m.provenance.source = url_.Display(mailbox);
  m.provenance.source_format = "imap";
  m.provenance.folder = mailbox;
  m.read_error = m.provenance.source + ": " + reason;
  m.input_error = true;
  ready_.push_back(std::move(m));
}

void ImapInput::Fail(const std::string& reason) {
  RawMessage m;
  m.provenance.source = reason.substr(0, reason.find(": "));
  m.provenance.source_format = "imap";
  m.read_error = reason;
  m.input_error = true;
  ready_.push_back(std::move(m));
  connection_.reset();
  mailboxes_.clear();
  listed_.clear();
  mailbox_open_ = false;
  done_ = true;
}

}  // namespace mv
