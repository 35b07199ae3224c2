#include "spf/spf_record.h"

#include <string>

#include "message/header_index.h"
#include "spf/spf_macro.h"
#include "util/bounded_cache.h"

namespace mv {
namespace {

bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlnum(char c) {
  return IsAlpha(c) || IsDigit(c);
}

// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool IsToplabel(std::string_view label) {
  if (label.empty() || !IsAlnum(label.front()) || !IsAlnum(label.back())) return false;
  bool alpha = false, dash = false;
  for (char c : label) {
    if (IsAlpha(c)) {
      alpha = true;
    } else if (c == '-') {
      dash = true;
    } else if (!IsDigit(c)) {
      return false;
    }
  }
  return alpha || dash;
}

// A CIDR length: 1*DIGIT without leading zeros, at most `max`.
bool ParseCidr(std::string_view digits, int max, int* out) {
  if (digits.empty() || digits.size() > 3) return false;
  if (digits.size() > 1 && digits[0] == '0') return false;
  int value = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  if (value > max) return false;
  *out = value;
  return true;
}

// Splits a trailing dual-cidr-length ("/24", "//64", "/24//64") off `rest`.
Status SplitDualCidr(std::string_view* rest, SpfDirective* d) {
  auto trailing_digits = [](std::string_view s) {
    size_t n = 0;
    while (n < s.size() && IsDigit(s[s.size() - 1 - n])) ++n;
    return n;
  };
  std::string_view s = *rest;
  size_t n = trailing_digits(s);
  if (n > 0 && n + 2 <= s.size() && s[s.size() - n - 1] == '/' && s[s.size() - n - 2] == '/') {
    if (!ParseCidr(s.substr(s.size() - n), 128, &d->cidr6)) {
      return Status::Error("invalid IPv6 CIDR length");
    }
    s.remove_suffix(n + 2);
    n = trailing_digits(s);
  }
  if (n > 0 && n + 1 <= s.size() && s[s.size() - n - 1] == '/') {
    if (!ParseCidr(s.substr(s.size() - n), 32, &d->cidr4)) {
      return Status::Error("invalid IPv4 CIDR length");
    }
    s.remove_suffix(n + 1);
  }
  *rest = s;
  return Status::Ok();
}

Status ParseMechanism(std::string_view term, SpfDirective* d) {
  std::string_view t = term;
  if (!t.empty() && (t[0] == '+' || t[0] == '-' || t[0] == '~' || t[0] == '?')) {
    d->qualifier = t[0];
    t.remove_prefix(1);
  }
  size_t name_end = 0;
  while (name_end < t.size() && t[name_end] != ':' && t[name_end] != '/') ++name_end;
  const std::string_view name = t.substr(0, name_end);
  std::string_view rest = t.substr(name_end);
  struct Known {
    const char* name;
    SpfMechanism mechanism;
  };
  static constexpr Known kKnown[] = {
      {"all", SpfMechanism::kAll}, {"include", SpfMechanism::kInclude}, {"a", SpfMechanism::kA},
      {"mx", SpfMechanism::kMx},   {"ptr", SpfMechanism::kPtr},         {"ip4", SpfMechanism::kIp4},
      {"ip6", SpfMechanism::kIp6}, {"exists", SpfMechanism::kExists},
  };
  bool found = false;
  for (const Known& k : kKnown) {
    if (EqualsIgnoreCase(name, k.name)) {
      d->mechanism = k.mechanism;
      found = true;
      break;
    }
  }
  if (!found) return Status::Error("unknown mechanism");

  auto domain_after_colon = [&](std::string_view r, bool required) -> Status {
    if (r.empty()) {
      if (required) return Status::Error("missing domain-spec");
      return Status::Ok();
    }
    if (r[0] != ':') return Status::Error("unexpected characters after the mechanism name");
    r.remove_prefix(1);
    if (!IsValidDomainSpec(r)) return Status::Error("invalid domain-spec");
    d->domain_spec = r;
    return Status::Ok();
  };

  switch (d->mechanism) {
    case SpfMechanism::kAll:
      if (!rest.empty()) return Status::Error("\"all\" takes no argument");
      return Status::Ok();
    case SpfMechanism::kInclude:
    case SpfMechanism::kExists:
      return domain_after_colon(rest, true);
    case SpfMechanism::kPtr:
      return domain_after_colon(rest, false);
    case SpfMechanism::kA:
    case SpfMechanism::kMx: {
      Status s = SplitDualCidr(&rest, d);
      if (!s.ok()) return s;
      return domain_after_colon(rest, false);
    }
    case SpfMechanism::kIp4:
    case SpfMechanism::kIp6: {
      const bool v6 = d->mechanism == SpfMechanism::kIp6;
      if (rest.size() < 2 || rest[0] != ':') return Status::Error("missing address");
      rest.remove_prefix(1);
      size_t slash = rest.find('/');
      std::string_view addr = rest.substr(0, slash);
      if (slash != std::string_view::npos) {
        int* cidr = v6 ? &d->cidr6 : &d->cidr4;
        if (!ParseCidr(rest.substr(slash + 1), v6 ? 128 : 32, cidr)) {
          return Status::Error("invalid CIDR length");
        }
      }
      // The network of an ip6: term stays IPv6 even when IPv4-mapped: only ip4: matches IPv4.
      std::optional<IpAddress> ip = IpAddress::Parse(addr, /*unmap=*/false);
      if (!ip || ip->is_v6() != v6)
        return Status::Error(v6 ? "invalid IPv6 address" : "invalid IPv4 address");
      d->network = *ip;
      return Status::Ok();
    }
  }
  return Status::Error("unknown mechanism");
}

}  // namespace

bool IsSpfRecord(std::string_view txt) {
  return txt.size() >= 6 && EqualsIgnoreCase(txt.substr(0, 6), "v=spf1") &&
         (txt.size() == 6 || txt[6] == ' ');
}

bool IsValidDomainSpec(std::string_view spec) {
  if (spec.empty() || !IsValidMacroString(spec, MacroContext::kDomainSpec)) return false;
  if (EndsWithMacroExpand(spec)) return true;
  std::string_view s = spec;
  if (s.back() == '.') s.remove_suffix(1);
  size_t dot = s.rfind('.');
  if (dot == std::string_view::npos) return false;
  return IsToplabel(s.substr(dot + 1));
}

Result<SpfRecord> ParseSpfRecord(std::string_view text) {
  if (!IsSpfRecord(text)) return Status::Error("not an SPF record");
  SpfRecord record;
  size_t i = 6;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view term = text.substr(i, end - i);
    i = end;
    // A modifier is name "=" ...; the name must start with a letter and use only ALPHA DIGIT - _ .
    size_t n = 0;
    while (n < term.size() &&
           (IsAlnum(term[n]) || term[n] == '-' || term[n] == '_' || term[n] == '.')) {
      ++n;
    }
    if (n < term.size() && term[n] == '=') {
      const std::string_view name = term.substr(0, n);
      const std::string_view value = term.substr(n + 1);
      if (name.empty() || !IsAlpha(name[0])) {
        return Status::Error("invalid modifier name in \"" + std::string(term) + "\"");
      }
      const bool is_redirect = EqualsIgnoreCase(name, "redirect");
      const bool is_exp = EqualsIgnoreCase(name, "exp");
      if (is_redirect || is_exp) {
        bool& seen = is_redirect ? record.has_redirect : record.has_exp;
        if (seen) return Status::Error("modifier \"" + std::string(name) + "\" appears twice");
        if (!IsValidDomainSpec(value)) {
          return Status::Error("invalid domain-spec in \"" + std::string(term) + "\"");
        }
        seen = true;
        (is_redirect ? record.redirect : record.exp) = value;
      } else if (!IsValidMacroString(value, MacroContext::kUnknownModifier)) {
        return Status::Error("invalid macro-string in \"" + std::string(term) + "\"");
      }
      continue;
    }
    SpfDirective d;
    d.text = term;
    Status s = ParseMechanism(term, &d);
    if (!s.ok()) return Status::Error(s.message() + " in \"" + std::string(term) + "\"");
    record.directives.push_back(d);
  }
  return record;
}

std::shared_ptr<const ParsedSpfRecord> ParseSpfRecordCached(std::string_view text) {
  constexpr size_t kCapacity = 4096;  // distinct record texts
  static BoundedCache<std::shared_ptr<const ParsedSpfRecord>> cache(kCapacity);
  return cache.GetOrCompute(
      text, [](std::string_view t) { return std::make_shared<const ParsedSpfRecord>(t); });
}

}  // namespace mv
