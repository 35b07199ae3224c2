// DomainAudit: the authentication posture of one sender domain, for the `domains` command — its MX
// hosts, its SPF record walked through every include and redirect (lookup count against the
// RFC 7208 limit of 10, void lookups, the all-qualifier, risky terms), its DMARC policy, and the
// DKIM selectors its mail was seen signed with (from a ResultStore) with the state of their keys
// in DNS today. Everything is read through a DnsResolver, so it runs live or on a zone snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dns/resolver.h"
#include "util/json_writer.h"

namespace mv {

struct SpfPosture {
  bool found = false;
  std::string record;         // the domain's own v=spf1 record
  std::string all_qualifier;  // "-all", "~all", "?all", "+all", or "" when the record has none
  int lookups = 0;            // DNS-querying terms, counted through includes and redirects
  int void_lookups = 0;       // of those, how many found no records (limit 2, RFC 7208 4.6.4)
  std::vector<std::string> problems;
};

struct DmarcPosture {
  bool found = false;
  std::string record;
  std::string record_domain;  // where it was found: _dmarc.DOMAIN or the organisational domain
  std::string policy, subdomain_policy;
  int pct = 100;
  std::vector<std::string> rua;
  std::vector<std::string> problems;
};

// A (signing domain, selector, algorithm, key size) seen on the domain's messages.
struct SelectorUse {
  std::string d, s, a;
  int key_bits = 0;  // as seen when verified; 0 when no key was obtained
  std::string first_date, last_date;
  int64_t signatures = 0, passes = 0;
  // Passes made with a key that others can hold, and the key_trust values seen (comma-separated).
  int64_t untrusted_passes = 0;
  std::string key_trust;
  // The key in DNS at audit time: "ok", "revoked" (empty p=), "missing", "syntax", "temperror".
  std::string key_now;
  int key_now_bits = 0;
  std::vector<std::string> problems;  // weak, revoked, missing keys
};

struct DomainPosture {
  std::string domain;
  int64_t messages = 0;  // from the store; 0 for a live-only audit
  std::string first_date, last_date;
  std::vector<std::string> mx;  // "PREF HOST", by preference
  std::string mx_status;        // "ok" or the DNS status when there is no MX
  SpfPosture spf;
  DmarcPosture dmarc;
  std::vector<SelectorUse> selectors;
};

// Audits `domain`'s DNS; `selectors` (from SelectorsSeen) get their current key state filled in.
DomainPosture AuditDomain(std::string_view domain, DnsResolver& dns,
                          std::vector<SelectorUse> selectors);

// Walks the SPF record of `domain` (exposed for tests).
SpfPosture AuditSpf(std::string_view domain, DnsResolver& dns);

void WriteDomainPostureJson(const DomainPosture& posture, JsonWriter* json);
// A plain-text report, one block per domain.
std::string FormatDomainPostures(const std::vector<DomainPosture>& postures);

}  // namespace mv
