// ProbeResolver: a resolver that never waits. It answers from what its base resolver has at hand
// (DnsResolver::Peek) and notes every other question, answering it temperror ("pending"), so that
// running a check against it lists the next questions the check would ask. The pipeline fetches
// those for a whole batch at once and probes again until nothing new is asked: a chain of SPF
// includes then costs one round trip per level for all waiting messages together, instead of one
// blocking wait per level per message inside the verify stage.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "dns/resolver.h"

namespace mv {

class ProbeResolver : public DnsResolver {
 public:
  // Both must outlive the probe; questions not at hand are appended to `missing`.
  ProbeResolver(DnsResolver* base, std::vector<DnsQuestion>* missing)
      : base_(base), missing_(missing) {}

  DnsAnswer Lookup(std::string_view name, DnsType type) override {
    return *LookupShared(name, type);
  }
  std::shared_ptr<const DnsAnswer> LookupShared(std::string_view name, DnsType type) override;
  std::shared_ptr<const DnsAnswer> Peek(std::string_view name, DnsType type) override {
    return base_->Peek(name, type);
  }

  // Notes a question the caller knows will be asked (a speculative follow-up) unless it is at hand.
  void Expect(std::string_view name, DnsType type);

 protected:
  // Called for every answer at hand, so that a subclass can expect the questions it implies
  // (the includes of an SPF record) before the check gets to them.
  virtual void OnAnswer(std::string_view name, DnsType type, const DnsAnswer& answer) {
    (void)name;
    (void)type;
    (void)answer;
  }

 private:
  DnsResolver* base_;
  std::vector<DnsQuestion>* missing_;
};

}  // namespace mv
