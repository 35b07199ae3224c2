#include "imap/imap_options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace mv {

Result<std::string> ImapPassword(const ImapOptions& options) {
  if (!options.password_file.empty()) {
    std::ifstream in(options.password_file, std::ios::binary);
    if (!in) {
      return Status::Error("cannot read --imap-password-file " + options.password_file + ": " +
                           std::strerror(errno));
    }
    std::string password;
    std::getline(in, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) return Status::Error("--imap-password-file starts with an empty line");
    return password;
  }
  if (const char* env = std::getenv("MAILVERIFY_IMAP_PASSWORD"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  return Status::Error("no IMAP password: set MAILVERIFY_IMAP_PASSWORD or --imap-password-file");
}

}  // namespace mv
