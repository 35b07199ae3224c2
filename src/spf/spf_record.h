// SpfRecord: one "v=spf1" record parsed and syntax-checked whole (RFC 7208 4.6: a syntax error
// anywhere makes the record a permerror before any term is evaluated). Views point into the record
// text, which the caller keeps alive.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "spf/ip_address.h"
#include "util/status.h"

namespace mv {

enum class SpfMechanism { kAll, kInclude, kA, kMx, kPtr, kIp4, kIp6, kExists };

struct SpfDirective {
  char qualifier = '+';  // + - ~ ?
  SpfMechanism mechanism = SpfMechanism::kAll;
  std::string_view text;         // the term as written, for reasons
  std::string_view domain_spec;  // empty: the current domain (a, mx, ptr)
  int cidr4 = 32;                // a, mx, ip4
  int cidr6 = 128;               // a, mx, ip6
  IpAddress network;             // ip4, ip6
};

struct SpfRecord {
  std::vector<SpfDirective> directives;
  std::string_view redirect;  // domain-spec; empty when absent
  std::string_view exp;       // domain-spec; empty when absent
  bool has_redirect = false;
  bool has_exp = false;
};

// True when the TXT string is an SPF version 1 record: "v=spf1" in any case, then a space or the
// end.
bool IsSpfRecord(std::string_view txt);

// Parses a record for which IsSpfRecord() holds. The error message says which term is wrong.
Result<SpfRecord> ParseSpfRecord(std::string_view text);

// A record text together with its parse, whose views point into that text (so it is neither
// copied nor moved).
struct ParsedSpfRecord {
  explicit ParsedSpfRecord(std::string_view record_text)
      : text(record_text), parsed(ParseSpfRecord(text)) {}
  ParsedSpfRecord(const ParsedSpfRecord&) = delete;
  ParsedSpfRecord& operator=(const ParsedSpfRecord&) = delete;

  const std::string text;
  const Result<SpfRecord> parsed;
};

// ParseSpfRecord remembered by record text (thread-safe, bounded): the records of the big senders
// and of their includes are evaluated for message after message. Shared and never modified.
std::shared_ptr<const ParsedSpfRecord> ParseSpfRecordCached(std::string_view text);

// RFC 7208 7.1 domain-spec: a macro-string (c, r, t not allowed) ending in a macro-expand or in
// "." toplabel with an optional trailing dot.
bool IsValidDomainSpec(std::string_view spec);

}  // namespace mv
