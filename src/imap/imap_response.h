// The server side of an IMAP conversation as this reader needs it (RFC 3501/9051): the byte stream
// cut into whole responses (a line plus the literals it announces), each response split into its
// values, and the responses an EXAMINE/LIST/FETCH scan uses interpreted. Everything here is a pure
// function of bytes, so the fuzz target (tests/fuzz/fuzz_imap_response.cc) reaches all of it.
// Limits bound memory whatever a server sends: a line, a literal and a response have maximum sizes,
// and a response over them is an error, never an allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mv {

// Cuts the server's bytes into responses. Feed() appends what arrived; Next() moves the next
// complete response (with its literals inline, "{N}\r\n" and the N bytes kept) into `out`.
class ImapResponseFramer {
 public:
  // `max_literal`: the largest literal accepted (a message); `max_line`: the longest line around
  // literals. A response may hold several literals; together they must fit in 2 * max_literal.
  ImapResponseFramer(size_t max_literal, size_t max_line)
      : max_literal_(max_literal), max_line_(max_line) {}

  void Feed(std::string_view bytes) { buffer_.append(bytes); }
  // True and a response in `out`; false when more bytes are needed. A response breaking a limit
  // sets error() and every later call returns false.
  bool Next(std::string* out);
  const std::string& error() const { return error_; }
  // Bytes received but not yet part of a complete response.
  size_t pending() const { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  size_t start_ = 0;  // where the next response starts in buffer_
  size_t scan_ = 0;   // how far the current response has been framed (past its literals)
  size_t literal_total_ = 0;
  size_t max_literal_;
  size_t max_line_;
  std::string error_;
};

// One value of a response: an atom (including NIL, numbers and "BODY[...]"), a string (quoted or
// literal, `text` holds its content) or a parenthesised list.
struct ImapValue {
  enum class Kind { kAtom, kString, kList };
  Kind kind = Kind::kAtom;
  std::string text;
  std::vector<ImapValue> items;  // kList
  // Literal strings are not copied: `literal` points into the response (valid while it lives).
  std::string_view literal;
  std::string_view Text() const { return literal.data() != nullptr ? literal : text; }
  bool IsAtom(std::string_view name) const;  // case-insensitive
};

// A response split into its leading tag ("*", "+" or the command tag) and its values. The text
// after a status word (OK/NO/BAD/BYE/PREAUTH) is kept whole in `status_text`, with its bracketed
// response code (if any) in `code`.
struct ImapResponse {
  std::string tag;
  std::vector<ImapValue> values;
  std::string status;       // OK, NO, BAD, BYE, PREAUTH (upper case) or empty
  std::string code;         // "UIDVALIDITY 3857529045" from "[UIDVALIDITY 3857529045]"
  std::string status_text;  // human-readable text after the code
};

// Splits a framed response. Errors say what was malformed; the caller names the server.
Result<ImapResponse> ParseImapResponse(std::string_view response);

// "* N FETCH (...)": what a scan asked for. Absent items stay empty.
struct ImapFetch {
  uint32_t sequence = 0;
  std::optional<uint32_t> uid;
  std::optional<uint64_t> size;          // RFC822.SIZE
  std::optional<int64_t> internal_date;  // unix seconds
  std::vector<std::string> flags;
  std::optional<std::string_view> body;  // BODY[] as a view into the response
};

// Reads a FETCH response; nullopt when `response` is not one. A malformed UID, RFC822.SIZE,
// INTERNALDATE, FLAGS or BODY[] is an error rather than a silently partial message; items a scan
// did not ask for (MODSEQ, X-GM-*) are skipped.
Result<std::optional<ImapFetch>> InterpretFetch(const ImapResponse& response);

// "* LIST (attributes) delimiter name": the mailbox name and whether it can be examined.
struct ImapListEntry {
  std::string name;
  bool selectable = true;  // false for \Noselect and \NonExistent
};
std::optional<ImapListEntry> InterpretList(const ImapResponse& response);

// IMAP date-time "dd-Mon-yyyy hh:mm:ss +zzzz" (day may be space-padded) as unix seconds.
std::optional<int64_t> ParseInternalDate(std::string_view text);

// A mailbox name as an IMAP quoted string (the caller has rejected CR, LF and NUL).
std::string QuoteImapString(std::string_view s);

}  // namespace mv
