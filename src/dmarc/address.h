// RFC 5322 address-list parsing for the RFC5322.From identity that DMARC evaluates. Field
// extraction is mimetic's (mimetic::AddressList); because mimetic accepts malformed input without
// complaint (it splits on commas inside comments, reads "a b@c" as "ab@c", takes "Joe <j@x> junk"
// as one mailbox), the value is first checked against the RFC 5322 3.4 grammar (with the obsolete
// forms of section 4.4) and the two readings must agree before a mailbox is returned.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mv {

struct ParsedMailbox {
  std::string local_part;    // as written, quotes kept ("a,b" stays quoted)
  std::string domain;        // as written, case kept; a domain literal keeps its brackets
  std::string display_name;  // raw phrase: RFC 2047 encoded-words are not decoded
  bool in_group = false;     // the mailbox sat inside a group ("team: a@x, b@y;")
  bool domain_literal = false;
};

// Parses one field value (everything after "From:", folding allowed). Empty groups and the empty
// list elements of obs-addr-list contribute no mailbox. Fails with a reason on any syntax error.
Result<std::vector<ParsedMailbox>> ParseAddressList(std::string_view value);

// True when `domain` can name a DNS domain: labels of 1..63 bytes made of letters, digits, '-', '_'
// or UTF-8 bytes, not starting or ending with '-', at most 253 bytes; one trailing dot allowed.
bool IsDnsDomainName(std::string_view domain);

}  // namespace mv
