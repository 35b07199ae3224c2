// ImapUrl: an IMAP input as the user names it, imap://[USER@]HOST[:PORT]/MAILBOX or imaps://...,
// split into its parts (RFC 5092's server and mailbox parts; no search or UID parts). A password
// in the URL is refused so that it cannot end up in shell history, process lists or records: the
// password comes from MAILVERIFY_IMAP_PASSWORD or --imap-password-file (docs/SECURITY.md).
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace mv {

struct ImapUrl {
  bool tls = false;     // imaps: TLS from the first byte (port 993 by default)
  std::string user;     // percent-decoded; empty: none given
  std::string host;     // a name, an IPv4 address or a bracketed IPv6 address (brackets kept)
  int port = 0;         // 143 or 993 when not given
  std::string mailbox;  // percent-decoded; "*" for every selectable mailbox; INBOX when not given

  // The URL as records show it: scheme, user, host, port and this mailbox (never a password).
  std::string Display(std::string_view mailbox) const;
  // The server part libcurl connects to, "imap[s]://host:port/" (no user, no password).
  std::string ServerUrl() const;
};

// True for inputs that name an IMAP server (imap:// or imaps://, any case).
bool IsImapUrl(std::string_view input);

// An error when `input` is an IMAP URL that carries a password (user:password@), so that the scan
// refuses to start before the input is written anywhere (the --db run row, a log). The message
// does not repeat the password.
Status RefusePasswordInUrl(std::string_view input);

// Splits an imap:// or imaps:// URL. Errors name what is wrong, never echoing a password.
Result<ImapUrl> ParseImapUrl(std::string_view input);

}  // namespace mv
