// ImapOptions: how IMAP inputs are read (--imap-password-file, --imap-insecure, --imap-plaintext,
// --imap-timeout)
// and where the password comes from. The password is never taken from the command line or the
// URL, and never written to a record or a message (docs/SECURITY.md).
#pragma once

#include <string>

#include "util/status.h"

namespace mv {

struct ImapOptions {
  std::string password_file;  // --imap-password-file; empty: MAILVERIFY_IMAP_PASSWORD
  bool insecure = false;      // --imap-insecure: skip certificate and host name checks
  // --imap-plaintext: an imap:// server that offers no STARTTLS is read unencrypted (password
  // included) instead of being refused; one that offers it is still read over TLS.
  bool plaintext = false;
  int timeout_seconds = 60;  // --imap-timeout: the longest wait for the server
};

// The password: the first line of --imap-password-file (without its line end), else the
// environment variable MAILVERIFY_IMAP_PASSWORD. An error when neither is there.
Result<std::string> ImapPassword(const ImapOptions& options);

}  // namespace mv
