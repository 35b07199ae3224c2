// The SPF macro language (RFC 7208 7): syntax checking and expansion of macro-strings such as
// "%{ir}.%{v}._spf.%{d2}". Checking is separate from expanding because a record is checked whole
// before anything is evaluated (4.6), while macros are expanded only when a term is reached.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "spf/ip_address.h"

namespace mv {

enum class MacroContext {
  kDomainSpec,       // mechanism and redirect/exp targets: c, r, t are not allowed (7.3)
  kUnknownModifier,  // any macro letter
  kExplanation,      // the exp= TXT text: any letter, and spaces
};

// The values macro letters stand for, for one step of check_host().
struct SpfMacroValues {
  std::string_view sender;         // s: the full identity, local@domain
  std::string_view local_part;     // l
  std::string_view sender_domain;  // o
  std::string_view domain;         // d: the domain whose record is being evaluated
  const IpAddress* ip = nullptr;   // i, c, v
  std::string_view helo;           // h
  std::string_view receiver;       // r
  int64_t now = 0;                 // t
  // p: the validated domain name of the client; computed on demand because it costs DNS queries.
  std::function<std::string()> validated_name;
};

// True when `text` is a valid macro-string for `context`.
bool IsValidMacroString(std::string_view text, MacroContext context);

// True when `text` ends with a macro-expand (so that a domain-spec needs no "." toplabel).
bool EndsWithMacroExpand(std::string_view text);

// Appends the expansion of `text` to `out`; false (with `out` unspecified) when `text` is not
// valid.
bool ExpandMacroString(std::string_view text, const SpfMacroValues& values, MacroContext context,
                       std::string* out);

// URL-escapes every byte outside RFC 3986 "unreserved", as upper-case macro letters require.
void AppendUrlEscaped(std::string_view value, std::string* out);

}  // namespace mv
