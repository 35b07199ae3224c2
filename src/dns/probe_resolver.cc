#include "dns/probe_resolver.h"

#include <string>

namespace mv {
namespace {

std::shared_ptr<const DnsAnswer> PendingAnswer() {
  static const std::shared_ptr<const DnsAnswer> pending = [] {
    auto a = std::make_shared<DnsAnswer>();
    a->status = DnsStatus::kTempError;
    a->source = "probe";
    a->error = "pending";
    return a;
  }();
  return pending;
}

}  // namespace

std::shared_ptr<const DnsAnswer> ProbeResolver::LookupShared(std::string_view name, DnsType type) {
  std::shared_ptr<const DnsAnswer> answer = base_->Peek(name, type);
  if (answer == nullptr) {
    missing_->push_back({std::string(name), type});
    return PendingAnswer();
  }
  OnAnswer(name, type, *answer);
  return answer;
}

void ProbeResolver::Expect(std::string_view name, DnsType type) {
  if (base_->Peek(name, type) == nullptr) missing_->push_back({std::string(name), type});
}

}  // namespace mv
