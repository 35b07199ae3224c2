#include "spf/envelope.h"

#include <algorithm>

#include "spf/received.h"

namespace mv {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Drops RFC 5322 comments (nested, with quoted-pairs), keeping quoted strings intact.
std::string StripComments(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '\\' && i + 1 < v.size()) {
      if (depth == 0) {
        out.push_back(c);
        out.push_back(v[i + 1]);
      }
      ++i;
      continue;
    }
    if (quoted) {
      if (c == '"') quoted = false;
      out.push_back(c);
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      if (c == '"') quoted = true;
      out.push_back(IsSpace(c) ? ' ' : c);
    }
  }
  return out;
}

}  // namespace

std::string ParseReturnPath(std::string_view value, bool* is_null) {
  // The usual value, "<a@b>" with nothing to strip or map, is read in place.
  std::string stripped;
  std::string_view s = value;
  const bool plain = std::none_of(value.begin(), value.end(), [](char c) {
    return c == '(' || c == '"' || c == '\\' || c == '\t' || c == '\r' || c == '\n';
  });
  if (!plain) {
    stripped = StripComments(value);
    s = stripped;
  }
  s = Trim(s);
  const size_t open = s.find('<');
  if (open != std::string_view::npos) {
    const size_t close = s.rfind('>');
    s = s.substr(open + 1, close == std::string_view::npos || close < open ? std::string_view::npos
                                                                           : close - open - 1);
  }
  s = Trim(s);
  // A source route "@relay1,@relay2:user@domain" (RFC 5321 4.1.2) is ignored.
  if (!s.empty() && s.front() == '@') {
    const size_t colon = s.find(':');
    if (colon != std::string_view::npos) s.remove_prefix(colon + 1);
  }
  // Some delivery agents write the null reverse-path as <MAILER-DAEMON>.
  if (EqualsIgnoreCase(s, "MAILER-DAEMON")) s = std::string_view();
  *is_null = s.empty();
  return std::string(s);
}

std::optional<SpfResult> SpfResultFromReceivedSpf(std::string_view value) {
  std::string_view s = Trim(value);
  size_t end = 0;
  while (end < s.size() && !IsSpace(s[end]) && s[end] != '(' && s[end] != ';') ++end;
  SpfResult r;
  if (ParseSpfResult(s.substr(0, end), &r)) return r;
  return std::nullopt;
}

std::optional<IpAddress> ClientIpFromReceivedSpf(std::string_view value) {
  const std::string v = StripComments(value);
  std::string_view s(v);
  size_t i = 0;
  while (i < s.size()) {
    // key=value pairs separated by ';' (RFC 7208 9.1); the key may follow spaces or a ';'.
    size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) break;
    size_t key_start = eq;
    while (key_start > i && !IsSpace(s[key_start - 1]) && s[key_start - 1] != ';') --key_start;
    size_t end = eq + 1;
    while (end < s.size() && s[end] != ';' && !IsSpace(s[end])) ++end;
    if (EqualsIgnoreCase(s.substr(key_start, eq - key_start), "client-ip")) {
      std::string_view ip = s.substr(eq + 1, end - eq - 1);
      if (ip.size() >= 2 && ip.front() == '"' && ip.back() == '"') ip = ip.substr(1, ip.size() - 2);
      return IpAddress::Parse(ip);
    }
    i = end;
  }
  return std::nullopt;
}

std::optional<SpfResult> SpfResultFromAuthResults(std::string_view value,
                                                  std::string_view authserv_id) {
  const std::string v = StripComments(value);
  std::string_view rest(v);
  size_t semi = rest.find(';');
  std::string_view id = Trim(rest.substr(0, semi));
  const size_t sp = id.find(' ');  // an optional version follows the authserv-id
  if (sp != std::string_view::npos) id = id.substr(0, sp);
  if (authserv_id.empty() || !EqualsIgnoreCase(id, authserv_id)) return std::nullopt;
  while (semi != std::string_view::npos) {
    rest.remove_prefix(semi + 1);
    semi = rest.find(';');
    std::string_view resinfo = Trim(rest.substr(0, semi));
    const size_t eq = resinfo.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view method = Trim(resinfo.substr(0, eq));
    const size_t slash = method.find('/');  // method version, "spf/1"
    if (slash != std::string_view::npos) method = Trim(method.substr(0, slash));
    if (!EqualsIgnoreCase(method, "spf")) continue;
    std::string_view result = Trim(resinfo.substr(eq + 1));
    size_t end = 0;
    while (end < result.size() && !IsSpace(result[end])) ++end;
    SpfResult r;
    if (ParseSpfResult(result.substr(0, end), &r)) return r;
    return std::nullopt;
  }
  return std::nullopt;
}

SpfEnvelope ExtractEnvelope(const HeaderIndex& headers, const EnvelopeOptions& options) {
  SpfEnvelope env;
  if (const HeaderField* rp = headers.First("Return-Path")) {
    env.has_return_path = true;
    env.mail_from = ParseReturnPath(rp->value, &env.null_sender);
  }

  auto is_receiver = [&](std::string_view host) {
    for (const std::string& p : options.receivers) {
      if (!host.empty() && HostMatchesGlob(p, host)) return true;
    }
    return false;
  };
  int index = -1;
  for (const HeaderField* f : headers.All("Received")) {
    ++index;
    ReceivedHop hop;
    if (!ParseReceived(f->value, &hop) || !hop.has_from) continue;
    if (options.receivers.empty()) {
      if (!hop.ip || hop.ip->IsInternal()) continue;
    } else {
      if (!is_receiver(hop.by)) continue;
      // A hop from one of the receiver's own servers over a private address is an internal relay:
      // the boundary is further down. With a public address it is a real sender that happens to
      // share the receiver's name (Gmail to Gmail, for one).
      const bool internal = is_receiver(hop.helo) || is_receiver(hop.rdns);
      if (internal && (!hop.ip || hop.ip->IsInternal())) continue;
    }
    env.client_ip = hop.ip;
    env.helo = hop.helo;
    env.boundary_by = hop.by;
    env.boundary_index = index;
    break;
  }

  if (!options.authserv_id.empty()) {
    for (const HeaderField* f : headers.All("Authentication-Results")) {
      if (std::optional<SpfResult> r = SpfResultFromAuthResults(f->value, options.authserv_id)) {
        env.recorded_result = r;
        env.recorded_by = "authentication-results";
        break;
      }
    }
  }
  if (!env.recorded_result) {
    // The topmost Received-SPF, skipping any whose client-ip= names another client: those judged
    // an earlier hop (a forwarder's), not the one recomputed here. Where it sits relative to the
    // boundary Received field proves nothing: Gmail, for one, writes it just below.
    for (const HeaderField* f : headers.All("Received-SPF")) {
      std::optional<IpAddress> ip = ClientIpFromReceivedSpf(f->value);
      if (ip && env.client_ip && *ip != *env.client_ip) continue;
      if (std::optional<SpfResult> r = SpfResultFromReceivedSpf(f->value)) {
        env.recorded_result = r;
        env.recorded_by = "received-spf";
      }
      break;
    }
  }
  return env;
}

}  // namespace mv
