#include "authres/authentication_results.h"

#include <algorithm>

namespace mv {
namespace {

bool IsTspecial(char c) {
  switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '@':
    case ',':
    case ';':
    case ':':
    case '\\':
    case '"':
    case '/':
    case '[':
    case ']':
    case '?':
    case '=':
      return true;
    default:
      return false;
  }
}

// RFC 2045 token: printable US-ASCII except space and tspecials.
bool IsToken(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || IsTspecial(c)) return false;
  }
  return true;
}

// RFC 8601 2.2 Keyword: letters, digits and '-', not ending in '-'.
bool IsKeyword(std::string_view v) {
  if (v.empty() || v.back() == '-') return false;
  for (char c : v) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool IsAtextAscii(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool IsDotAtom(std::string_view v) {
  if (v.empty() || v.front() == '.' || v.back() == '.') return false;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '.') {
      if (v[i - 1] == '.') return false;
    } else if (!IsAtextAscii(v[i])) {
      return false;
    }
  }
  return true;
}

// A complete RFC 5322 quoted-string: quotes at both ends, quoted-pairs inside, no bare quote or
// CTL.
bool IsQuotedString(std::string_view v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return false;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c == '\\') {
      if (++i + 1 >= v.size()) return false;
    } else if (c == '"' || c < 0x20 || c == 0x7f) {
      return false;
    }
  }
  return true;
}

bool IsDomainName(std::string_view v) {
  if (v.empty() || v.front() == '.' || v.back() == '.') return false;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || (c == '.' && v[i - 1] != '.');
    if (!ok) return false;
  }
  return true;
}

// RFC 8601 pvalue: value / [ [ local-part ] "@" ] domain-name. An address or a domain name may be
// written bare; anything else falls back to value (token or quoted-string).
void AppendPropertyValue(std::string_view v, std::string* out) {
  const size_t at = v.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view local = v.substr(0, at), domain = v.substr(at + 1);
    if ((local.empty() || IsDotAtom(local) || IsQuotedString(local)) && IsDomainName(domain)) {
      out->append(v);
      return;
    }
  } else if (IsDomainName(v)) {
    out->append(v);
    return;
  }
  out->append(AuthResValue(v));
}

// Control characters cannot be carried by a quoted-string or a comment in a header field.
char Printable(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return (u < 0x20 || u == 0x7f) ? ' ' : c;
}

// Free text we write (reasons, comments) stays ASCII: not every consumer of the field reads RFC
// 6532 UTF-8 (python3-authres does not), and the text is ours, so nothing a property names is lost.
char PrintableAscii(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return u >= 0x80 ? '?' : Printable(c);
}

std::string QuotedAscii(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(PrintableAscii(c));
  }
  out.push_back('"');
  return out;
}

std::string Comment(std::string_view text) {
  std::string out = "(";
  for (char c : text) {
    if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
    out.push_back(PrintableAscii(c));
  }
  out.push_back(')');
  return out;
}

void AddProperty(AuthResEntry* e, std::string_view ptype, std::string_view property,
                 std::string_view value) {
  if (!value.empty()) e->properties.push_back({ptype, property, value});
}

AuthResEntry Entry(std::string_view method, std::string_view result, std::string_view reason,
                   size_t max_properties) {
  AuthResEntry e;
  e.method = method;
  e.result = result;
  e.reason = reason;
  e.properties.reserve(max_properties);
  return e;
}

}  // namespace

std::string AuthResValue(std::string_view v) {
  if (IsToken(v)) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(Printable(c));
  }
  out.push_back('"');
  return out;
}

AuthResEntry DkimAuthRes(std::string_view result, std::string_view domain,
                         std::string_view selector, std::string_view b_prefix,
                         std::string_view reason, std::string_view identity,
                         std::string_view algorithm) {
  AuthResEntry e = Entry("dkim", result, reason, 5);
  AddProperty(&e, "header", "d", domain);
  AddProperty(&e, "header", "i", identity);
  AddProperty(&e, "header", "s", selector);
  AddProperty(&e, "header", "a", algorithm);
  AddProperty(&e, "header", "b", b_prefix);
  return e;
}

AuthResEntry SpfAuthRes(std::string_view result, std::string_view mailfrom, std::string_view helo,
                        std::string_view reason) {
  AuthResEntry e = Entry("spf", result, reason, 2);
  AddProperty(&e, "smtp", "mailfrom", mailfrom);
  AddProperty(&e, "smtp", "helo", helo);
  return e;
}

AuthResEntry DmarcAuthRes(std::string_view result, std::string_view header_from,
                          std::string_view policy, std::string_view reason,
                          std::string_view policy_dmarc, std::string_view polrec_p,
                          std::string_view polrec_domain) {
  AuthResEntry e = Entry("dmarc", result, reason, 4);
  if (!policy.empty()) e.comment.append("p=").append(policy);
  AddProperty(&e, "header", "from", header_from);
  AddProperty(&e, "policy", "dmarc", policy_dmarc);
  AddProperty(&e, "polrec", "p", polrec_p);
  AddProperty(&e, "polrec", "domain", polrec_domain);
  return e;
}

AuthResEntry ArcAuthRes(std::string_view result, std::string_view reason,
                        std::string_view oldest_pass) {
  AuthResEntry e = Entry("arc", result, reason, 0);
  if (!oldest_pass.empty()) e.comment.append("oldest-pass=").append(oldest_pass);
  return e;
}

std::vector<std::string_view> HeaderBPrefixes(std::span<const std::string_view> b_values,
                                              size_t min_length) {
  std::vector<std::string_view> out;
  out.reserve(b_values.size());
  for (const std::string_view b : b_values) {
    size_t len = std::min(min_length, b.size());
    for (const std::string_view other : b_values) {
      if (other == b) continue;
      // Grow until the prefix differs from that signature (or the whole value is used).
      while (len < b.size() && other.substr(0, len) == b.substr(0, len)) ++len;
    }
    out.push_back(b.substr(0, len));
  }
  return out;
}

Result<std::string> FormatAuthenticationResults(std::string_view authserv_id,
                                                const std::vector<AuthResEntry>& entries,
                                                const AuthResFormat& format) {
  if (authserv_id.empty()) return Status::Error("empty authserv-id");
  std::string out = AuthResValue(authserv_id);
  if (entries.empty()) return out.append("; none");
  out.reserve(64 + 160 * entries.size());  // one allocation for the usual field
  for (const AuthResEntry& e : entries) {
    if (!IsKeyword(e.method)) {
      return Status::Error("method is not a keyword: " + std::string(e.method));
    }
    if (!IsKeyword(e.result)) {
      return Status::Error("result is not a keyword: " + std::string(e.result));
    }
    out.append(format.separator).append(e.method).append("=").append(e.result);
    if (!e.comment.empty()) out.append(" ").append(Comment(e.comment));
    if (!e.reason.empty()) {
      out.append(" reason=");
      if (IsToken(e.reason)) {
        out.append(e.reason);
      } else {
        out.append(QuotedAscii(e.reason));
      }
    }
    for (const AuthResProperty& p : e.properties) {
      if (!IsKeyword(p.ptype) || !IsKeyword(p.property)) {
        return Status::Error("property name is not a keyword: " + std::string(p.ptype) + "." +
                             std::string(p.property));
      }
      out.append(" ").append(p.ptype).append(".").append(p.property).append("=");
      AppendPropertyValue(p.value, &out);
    }
  }
  return out;
}

}  // namespace mv
