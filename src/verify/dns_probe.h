// AuthProbe: the ProbeResolver AuthCheck runs its SPF and DMARC steps against while the pipeline
// gathers a batch's DNS questions. Besides the questions the evaluation asks, it expects the
// targets of every include and redirect in each SPF record it sees (those without macros), so that
// all the branches of a sender's SPF tree are fetched in the same round rather than one branch per
// round as the evaluation reaches them.
#pragma once

#include "dns/probe_resolver.h"

namespace mv {

class AuthProbe : public ProbeResolver {
 public:
  using ProbeResolver::ProbeResolver;

 protected:
  void OnAnswer(std::string_view name, DnsType type, const DnsAnswer& answer) override;
};

}  // namespace mv
