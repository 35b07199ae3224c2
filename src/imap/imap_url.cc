#include "imap/imap_url.h"

#include <cctype>
#include <charconv>

namespace mv {
namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view s, std::string_view what) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 1 < s.size() ? HexValue(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) return Status::Error("bad %-escape in the " + std::string(what));
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Percent-encodes what would otherwise end or confuse a URL part.
std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '*' || c == '&') {
      out += static_cast<char>(c);
    } else if (c == '/') {
      out += '/';  // hierarchy separators stay readable
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

bool IsImapUrl(std::string_view input) {
  return StartsWithNoCase(input, "imap://") || StartsWithNoCase(input, "imaps://");
}

Status RefusePasswordInUrl(std::string_view input) {
  if (!IsImapUrl(input)) return Status::Ok();
  std::string_view authority = input.substr(input.find("://") + 3);
  authority = authority.substr(0, authority.find('/'));
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos && authority.substr(0, at).find(':') != std::string_view::npos) {
    return Status::Error(
        "a password in an IMAP URL is refused (it would show in process lists and records); use "
        "MAILVERIFY_IMAP_PASSWORD or --imap-password-file");
  }
  return Status::Ok();
}

Result<ImapUrl> ParseImapUrl(std::string_view input) {
  ImapUrl url;
  std::string_view rest;
  if (StartsWithNoCase(input, "imaps://")) {
    url.tls = true;
    rest = input.substr(8);
  } else if (StartsWithNoCase(input, "imap://")) {
    rest = input.substr(7);
  } else {
    return Status::Error("not an imap:// or imaps:// URL");
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);

  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    if (userinfo.find(':') != std::string_view::npos) {
      return Status::Error(
          "a password in an IMAP URL is refused; use MAILVERIFY_IMAP_PASSWORD or "
          "--imap-password-file");
    }
    // RFC 5092 allows ";AUTH=..." after the user; libcurl picks the mechanism itself.
    userinfo = userinfo.substr(0, userinfo.find(';'));
    Result<std::string> user = PercentDecode(userinfo, "user name");
    if (!user.ok()) return user.status();
    url.user = std::move(*user);
  }

  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::Error("unclosed '[' in the host");
    url.host = std::string(authority.substr(0, close + 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Status::Error("junk after the IPv6 host");
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty() || url.host == "[]") return Status::Error("no host in the URL");
  for (unsigned char c : url.host) {
    if (!std::isalnum(c) && c != '.' && c != '-' && c != '_' && c != ':' && c != '[' && c != ']') {
      return Status::Error("bad character in the host name");
    }
  }
  url.port = url.tls ? 993 : 143;
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return Status::Error("bad port in the URL");
    }
    url.port = port;
  }

  // RFC 5092 parameters (";UIDVALIDITY=", ";UID=") and queries are not part of a scan input.
  if (path.find(';') != std::string_view::npos || path.find('?') != std::string_view::npos) {
    return Status::Error("';' or '?' parameters in an IMAP URL are not supported (name a mailbox)");
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  Result<std::string> mailbox = PercentDecode(path, "mailbox name");
  if (!mailbox.ok()) return mailbox.status();
  url.mailbox = mailbox->empty() ? "INBOX" : std::move(*mailbox);
  for (unsigned char c : url.mailbox) {
    if (c < 0x20 || c == 0x7f) return Status::Error("control character in the mailbox name");
  }
  return url;
}

std::string ImapUrl::Display(std::string_view mailbox) const {
  std::string out = tls ? "imaps://" : "imap://";
  if (!user.empty()) out += PercentEncode(user) + "@";
  out += host + ":" + std::to_string(port) + "/" + PercentEncode(mailbox);
  return out;
}

std::string ImapUrl::ServerUrl() const {
  return std::string(tls ? "imaps://" : "imap://") + host + ":" + std::to_string(port) + "/";
}

}  // namespace mv
