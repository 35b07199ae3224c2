// ImapConnection: one logged-in IMAP session. libcurl makes the connection, the TLS handshake for
// imaps:// or after STARTTLS for imap:// (verified against the system trust store unless told
// otherwise) and the login (SASL PLAIN/LOGIN or LOGIN, whatever the server offers); it then stops
// (CURLOPT_CONNECT_ONLY) and this class speaks the commands itself over curl_easy_send/recv. That
// split is deliberate: libcurl's own IMAP commands SELECT a mailbox (a scan must only EXAMINE)
// and its custom-command path does not understand literals, so message bytes that look like a
// response line would confuse it. Every wait is bounded by the timeout.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "imap/imap_response.h"
#include "util/status.h"

namespace mv {

struct ImapConnectOptions {
  std::string server_url;  // "imap[s]://host:port/" (ImapUrl::ServerUrl)
  std::string user;
  std::string password;   // never logged, never part of an error message
  bool insecure = false;  // --imap-insecure: accept any certificate and host name
  // imap:// only. RFC 8314 4.1: STARTTLS is required, so a server that does not offer it (or an
  // attacker who strips it from CAPABILITY) is refused before the password is sent; with
  // allow_plaintext (--imap-plaintext) such a server is read in the clear. A server that offers
  // STARTTLS is always read over TLS.
  bool allow_plaintext = false;
  int timeout_seconds = 60;
  size_t max_literal = size_t{256} << 20;  // the largest message the server may send
};

class ImapConnection {
 public:
  ~ImapConnection();
  ImapConnection(const ImapConnection&) = delete;
  ImapConnection& operator=(const ImapConnection&) = delete;

  // Connects and logs in; the error says what failed (connection, TLS, login).
  static Result<std::unique_ptr<ImapConnection>> Open(const ImapConnectOptions& options);

  // Sends "TAG command" and hands every untagged response to `on_untagged` until the tagged
  // completion, which is returned (status OK, NO or BAD). A connection error, a timeout, a
  // malformed response or BYE is an error, after which the connection is unusable. `command` must
  // hold no CR or LF (the caller quotes names).
  // `frame` holds the response's bytes; the views in `response` point into it, so a handler may
  // keep it to keep a literal (a message) alive without copying it.
  using UntaggedHandler = std::function<Status(const ImapResponse& response,
                                               const std::shared_ptr<const std::string>& frame)>;
  Result<ImapResponse> Command(std::string_view command, const UntaggedHandler& on_untagged);

  // Logs out politely (errors ignored); the destructor closes the connection in any case.
  void Logout();

 private:
  struct Curl;
  ImapConnection(std::unique_ptr<Curl> curl, const ImapConnectOptions& options);
  Status Send(std::string_view bytes);
  // The next complete response, waiting for bytes as needed.
  Result<std::shared_ptr<const std::string>> Receive();

  std::unique_ptr<Curl> curl_;
  int timeout_seconds_;
  ImapResponseFramer framer_;
  unsigned next_tag_ = 1;
  bool broken_ = false;
};

}  // namespace mv
