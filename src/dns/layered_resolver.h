// LayeredResolver: historical DKIM keys (`--keys`) in front of the zone or live source. The keys
// layer answers a question only when it holds records for it; anything else (NXDOMAIN, NODATA,
// other names) goes to the next layer. Each answer keeps the `source` of the layer that gave it
// ("keys", "zone", "dns"), so a report can say a key came from the archive rather than from DNS.
#pragma once

#include "dns/resolver.h"

namespace mv {

class LayeredResolver : public DnsResolver {
 public:
  // Both must outlive the resolver.
  LayeredResolver(DnsResolver* first, DnsResolver* next) : first_(first), next_(next) {}

  DnsAnswer Lookup(std::string_view name, DnsType type) override;
  void Prefetch(std::span<const DnsQuestion> questions) override;
  std::vector<DnsAnswer> LookupMany(std::span<const DnsQuestion> questions) override;
  // The keys layer answers at once (it is in memory); the rest go to the next layer without
  // waiting.
  void LookupManyAsync(std::vector<DnsQuestion> questions,
                       std::function<void(std::vector<DnsAnswer>)> done) override;
  size_t QueuedQuestions() const override { return next_->QueuedQuestions(); }

 private:
  DnsResolver* first_;
  DnsResolver* next_;
};

}  // namespace mv
