// SpfEvaluator: the check_host() function of RFC 7208 4: fetches the SPF record of a domain through
// a DnsResolver and evaluates it for a client IP, with every processing limit of 4.6.4 (10
// DNS-querying terms, 2 void lookups, 10 MX and 10 PTR names) and explanations (6.2) for "fail".
// Where 4.6.4 is open (docs/CONFORMANCE.md): void lookups are counted per term, for the term's own
// query; the PTR query of a %{p} macro counts toward the 10; an MX set of more than 10 names is
// permerror before any address query.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "dns/resolver.h"
#include "spf/ip_address.h"
#include "spf/spf_result.h"

namespace mv {

struct SpfEvaluatorOptions {
  // Explanation of a "fail" whose record has no usable exp= (the OpenSPF suite expects "DEFAULT").
  std::string default_explanation;
  std::string receiver = "unknown";  // %{r}: the domain of the host doing the check
  int64_t now = 0;                   // %{t}: the verification time, seconds since the epoch
  int max_dns_lookups = 10;          // terms that query DNS (4.6.4)
  int max_void_lookups = 2;          // negative: no limit
  int max_mx_names = 10;
  int max_ptr_names = 10;
};

// The arguments of check_host(): <ip>, <domain>, <sender>, plus the HELO name for %{h}.
struct SpfRequest {
  IpAddress ip;
  std::string domain;
  std::string sender;  // local@domain; "postmaster@<helo>" for a null reverse-path
  std::string helo;
};

struct SpfVerdict {
  SpfResult result = SpfResult::kNone;
  std::string reason;       // why, for a person: the deciding term, the error, the missing record
  std::string explanation;  // only for "fail"
  std::string mechanism;    // the directive that decided, as written, when one did
  int lookups = 0;          // DNS-querying terms evaluated (include a mx ptr exists redirect)
  int void_lookups = 0;     // of their queries, those that found no records
};

class SpfEvaluator {
 public:
  explicit SpfEvaluator(DnsResolver* dns, SpfEvaluatorOptions options = {})
      : dns_(dns), options_(std::move(options)) {}

  // Thread-safe when the resolver is: each call keeps its own state.
  SpfVerdict CheckHost(const SpfRequest& request) const;

  const SpfEvaluatorOptions& options() const { return options_; }

 private:
  DnsResolver* dns_;
  SpfEvaluatorOptions options_;
};

// RFC 7208 4.3: a <domain> check_host() can evaluate (labels of 1-63 bytes, at most 253 bytes in
// all, more than one label, not an address literal). One trailing dot is allowed.
bool IsCheckableSpfDomain(std::string_view domain);

}  // namespace mv
