#include "imap/imap_connection.h"

#include <curl/curl.h>
#include <poll.h>

#include <mutex>

namespace mv {
namespace {

// Lines around literals stay short in every response a scan asks for; LIST and status lines are
// a few hundred bytes. 1 MB leaves room for long mailbox names and flag lists.
constexpr size_t kMaxLine = size_t{1} << 20;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string CurlError(CURLcode code, const char* detail) {
  std::string out = curl_easy_strerror(code);
  if (detail != nullptr && detail[0] != '\0') out.append(": ").append(detail);
  return out;
}

}  // namespace

struct ImapConnection::Curl {
  CURL* handle = nullptr;
  curl_socket_t socket = CURL_SOCKET_BAD;
  char error[CURL_ERROR_SIZE] = {};
  ~Curl() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
};

ImapConnection::ImapConnection(std::unique_ptr<Curl> curl, const ImapConnectOptions& options)
    : curl_(std::move(curl)),
      timeout_seconds_(options.timeout_seconds),
      framer_(options.max_literal, kMaxLine) {}

ImapConnection::~ImapConnection() = default;

Result<std::unique_ptr<ImapConnection>> ImapConnection::Open(const ImapConnectOptions& options) {
  GlobalInitOnce();
  auto curl = std::make_unique<Curl>();
  curl->handle = curl_easy_init();
  if (curl->handle == nullptr) return Status::Error("libcurl could not start a session");
  CURL* h = curl->handle;
  curl_easy_setopt(h, CURLOPT_URL, options.server_url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  if (!options.user.empty()) curl_easy_setopt(h, CURLOPT_USERNAME, options.user.c_str());
  if (!options.password.empty()) curl_easy_setopt(h, CURLOPT_PASSWORD, options.password.c_str());
  // Greeting, TLS, CAPABILITY and login, then stop: the commands are ours (see the header).
  curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options.timeout_seconds));
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(options.timeout_seconds));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl->error);
  if (options.insecure) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (options.server_url.rfind("imap://", 0) == 0) {
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     static_cast<long>(options.allow_plaintext ? CURLUSESSL_TRY : CURLUSESSL_ALL));
  }
  const CURLcode code = curl_easy_perform(h);
  if (code == CURLE_USE_SSL_FAILED) {
    return Status::Error(CurlError(code, curl->error) +
                         " (imap:// is read over STARTTLS; --imap-plaintext reads a server without "
                         "it unencrypted, password included, or use imaps://)");
  }
  if (code != CURLE_OK) return Status::Error(CurlError(code, curl->error));
  if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &curl->socket) != CURLE_OK ||
      curl->socket == CURL_SOCKET_BAD) {
    return Status::Error("libcurl kept no connection after the login");
  }
  return std::unique_ptr<ImapConnection>(new ImapConnection(std::move(curl), options));
}

Status ImapConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t sent = 0;
    const CURLcode code = curl_easy_send(curl_->handle, bytes.data(), bytes.size(), &sent);
    if (code == CURLE_AGAIN) {
      pollfd p{curl_->socket, POLLOUT, 0};
      if (poll(&p, 1, timeout_seconds_ * 1000) <= 0) {
        return Status::Error("timed out sending to the server");
      }
      continue;
    }
    if (code != CURLE_OK) return Status::Error("send failed: " + CurlError(code, curl_->error));
    bytes.remove_prefix(sent);
  }
  return Status::Ok();
}

Result<std::shared_ptr<const std::string>> ImapConnection::Receive() {
  auto frame = std::make_shared<std::string>();
  char buffer[64 * 1024];
  while (!framer_.Next(frame.get())) {
    if (!framer_.error().empty()) return Status::Error("bad response: " + framer_.error());
    size_t got = 0;
    const CURLcode code = curl_easy_recv(curl_->handle, buffer, sizeof buffer, &got);
    if (code == CURLE_AGAIN) {
      // TLS may hold decrypted bytes the socket no longer shows; curl_easy_recv drains those
      // first, so poll only once it reports that nothing is left.
      pollfd p{curl_->socket, POLLIN, 0};
      const int ready = poll(&p, 1, timeout_seconds_ * 1000);
      if (ready == 0) {
        return Status::Error("no answer from the server within " +
                             std::to_string(timeout_seconds_) + " s");
      }
      if (ready < 0) return Status::Error("poll failed");
      continue;
    }
    if (code != CURLE_OK) return Status::Error("receive failed: " + CurlError(code, curl_->error));
    if (got == 0) return Status::Error("the server closed the connection");
    framer_.Feed(std::string_view(buffer, got));
  }
  return std::shared_ptr<const std::string>(std::move(frame));
}

Result<ImapResponse> ImapConnection::Command(std::string_view command,
                                             const UntaggedHandler& on_untagged) {
  if (broken_) return Status::Error("the connection failed earlier");
  const std::string tag = "mv" + std::to_string(next_tag_++);
  if (command.find_first_of("\r\n") != std::string_view::npos) {
    return Status::Error("a command may not hold a line break");
  }
  std::string line = tag;
  line.append(" ").append(command).append("\r\n");
  if (Status sent = Send(line); !sent.ok()) {
    broken_ = true;
    return sent;
  }
  for (;;) {
    Result<std::shared_ptr<const std::string>> frame = Receive();
    if (!frame.ok()) {
      broken_ = true;
      return frame.status();
    }
    Result<ImapResponse> response = ParseImapResponse(**frame);
    if (!response.ok()) {
      broken_ = true;
      return Status::Error("bad response: " + response.error());
    }
    if (response->tag == tag) return response;
    if (response->tag == "*" && response->status == "BYE") {
      broken_ = true;
      return Status::Error("the server ended the session: " + response->status_text);
    }
    if (response->tag != "*") {
      broken_ = true;
      return Status::Error("unexpected response tag \"" + response->tag.substr(0, 20) + "\"");
    }
    if (Status handled = on_untagged(*response, *frame); !handled.ok()) {
      // The handler refused a response; the rest of this command's output is read and dropped so
      // the session stays usable, and the refusal is the result.
      for (;;) {
        Result<std::shared_ptr<const std::string>> more = Receive();
        if (!more.ok()) {
          broken_ = true;
          break;
        }
        Result<ImapResponse> parsed = ParseImapResponse(**more);
        if (!parsed.ok()) {
          broken_ = true;
          break;
        }
        if (parsed->tag == tag) break;
      }
      return handled;
    }
  }
}

void ImapConnection::Logout() {
  if (broken_) return;
  Command("LOGOUT", [](const ImapResponse&, const std::shared_ptr<const std::string>&) {
    return Status::Ok();
  });
  broken_ = true;
}

}  // namespace mv
