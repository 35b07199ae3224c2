// ResponseParser: turns the raw bytes of a DNS response into a DnsAnswer with ldns. c-ares 1.18's
// typed helpers drop TTLs and hide the authority section, so the live source hands us the wire
// buffer and we read TTLs, CNAMEs, the rcode and the RFC 2308 negative TTL ourselves.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "dns/dns_types.h"

namespace mv {

struct ParsedResponse {
  DnsAnswer answer;
  // When the answer ends in a CNAME whose target's data the server did not include (a target in
  // another zone), the name to ask next; the chain so far is in answer.cname_chain.
  std::string follow;
  uint32_t chain_ttl = UINT32_MAX;  // min TTL of the CNAMEs seen, for folding into a later answer
};

// `qname` is the name asked (our normalised form). `fallback_negative_ttl` is used for negative
// answers that carry no SOA.
ParsedResponse ParseDnsResponse(std::span<const uint8_t> wire, std::string_view qname,
                                DnsType qtype, uint32_t fallback_negative_ttl);

}  // namespace mv
