// Formats an Authentication-Results header field value (RFC 8601) from plain strings, so any
// module's outcome can be written without this module knowing its types. Values that are not RFC
// 2045 tokens (or, for properties, not a plain domain or local-part@domain) are written as quoted
// strings; comments are escaped; CR, LF and other control characters never reach the output.
// Entries hold views: whatever an entry names must outlive its formatting, so that building the
// field for a message copies no strings.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mv {

struct AuthResProperty {
  std::string_view ptype;     // "smtp", "header", "body", "policy"
  std::string_view property;  // "mailfrom", "d", "b", ...
  std::string_view value;
};

struct AuthResEntry {
  std::string_view method;  // "dkim", "spf", "dmarc", "arc"
  std::string_view result;  // "pass", "fail", "none", ...
  std::string comment;      // written as "(comment)" right after the result; empty: none
  std::string_view reason;  // written as reason="..."; empty: none
  std::vector<AuthResProperty> properties;
};

// Helpers for the methods this project reports. Empty values leave their property out.
AuthResEntry DkimAuthRes(std::string_view result, std::string_view domain,
                         std::string_view selector, std::string_view b_prefix,
                         std::string_view reason = {}, std::string_view identity = {},
                         std::string_view algorithm = {});
AuthResEntry SpfAuthRes(std::string_view result, std::string_view mailfrom, std::string_view helo,
                        std::string_view reason = {});
// `policy` is written as the comment "(p=...)"; `policy_dmarc` as policy.dmarc, the policy that
// applies after p/sp/np and t= (the property rspamd, Stalwart and others write); `polrec_p` and
// `polrec_domain` as polrec.p (the record's p=) and polrec.domain (where the record was found, when
// not the From domain), the properties RFC 9989 registers for the dmarc method (IANA
// considerations).
AuthResEntry DmarcAuthRes(std::string_view result, std::string_view header_from,
                          std::string_view policy = {}, std::string_view reason = {},
                          std::string_view policy_dmarc = {}, std::string_view polrec_p = {},
                          std::string_view polrec_domain = {});
AuthResEntry ArcAuthRes(std::string_view result, std::string_view reason = {},
                        std::string_view oldest_pass = {});

// For each signature's full b= value, given without white space (as DkimResult::b is), the
// shortest prefix of at least `min_length` characters that no other signature in the list shares
// (RFC 6008 header.b). The prefixes are views into `b_values`.
std::vector<std::string_view> HeaderBPrefixes(std::span<const std::string_view> b_values,
                                              size_t min_length = 8);

struct AuthResFormat {
  // Between result entries: "; " keeps one line; ";\r\n\t" folds one entry per line.
  std::string separator = "; ";
};

// The field value (without "Authentication-Results:"). With no entries it is "<authserv-id>; none".
// Fails when the authserv-id is empty or a method, result, ptype or property is not a keyword.
Result<std::string> FormatAuthenticationResults(std::string_view authserv_id,
                                                const std::vector<AuthResEntry>& entries,
                                                const AuthResFormat& format = {});

// How `value` is written in a header: as is when it is an RFC 2045 token, else a quoted-string.
std::string AuthResValue(std::string_view value);

}  // namespace mv
