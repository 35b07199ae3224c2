#include "dns/memory_source.h"

#include <algorithm>

namespace mv {
namespace {
// Bound on CNAME chains, so a loop in the data ends in an error rather than a hang.
constexpr int kMaxCnameHops = 8;
}  // namespace

void MemoryDnsSource::Add(std::string_view name, DnsRecord record) {
  std::string key = NormalizeDnsName(name);
  if (record.type == DnsType::kCname || record.type == DnsType::kPtr ||
      record.type == DnsType::kMx) {
    record.target = NormalizeDnsName(record.target);
  }
  ++names_[key];
  records_.emplace(std::make_pair(std::move(key), record.type), std::move(record));
}

void MemoryDnsSource::AddTxt(std::string_view name, std::vector<std::string> strings,
                             uint32_t ttl) {
  DnsRecord r;
  r.type = DnsType::kTxt;
  r.ttl = ttl;
  r.txt = std::move(strings);
  Add(name, std::move(r));
}

void MemoryDnsSource::AddAddress(std::string_view name, std::string_view address, uint32_t ttl) {
  DnsRecord r;
  r.type = address.find(':') == std::string_view::npos ? DnsType::kA : DnsType::kAaaa;
  r.ttl = ttl;
  r.target = std::string(address);
  Add(name, std::move(r));
}

void MemoryDnsSource::AddCname(std::string_view name, std::string_view target, uint32_t ttl) {
  DnsRecord r;
  r.type = DnsType::kCname;
  r.ttl = ttl;
  r.target = std::string(target);
  Add(name, std::move(r));
}

void MemoryDnsSource::AddName(std::string_view name) {
  ++names_[NormalizeDnsName(name)];
}

void MemoryDnsSource::SetZoneNegativeTtl(std::string_view apex, uint32_t ttl) {
  zone_negative_ttls_[NormalizeDnsName(apex)] = ttl;
}

void MemoryDnsSource::SetOutcome(std::string_view name, DnsType type, Outcome outcome) {
  outcomes_[{NormalizeDnsName(name), type}] = std::move(outcome);
}

uint32_t MemoryDnsSource::NegativeTtlFor(const std::string& name) const {
  if (zone_negative_ttls_.empty()) return negative_ttl_;
  std::string_view n = name;
  for (;;) {
    auto it = zone_negative_ttls_.find(std::string(n));
    if (it != zone_negative_ttls_.end()) return it->second;
    size_t dot = n.find('.');
    if (dot == std::string_view::npos) return negative_ttl_;
    n.remove_prefix(dot + 1);
  }
}

void MemoryDnsSource::SetFailure(std::string_view name, DnsStatus status, bool any_type,
                                 DnsType type) {
  failures_.emplace(NormalizeDnsName(name), Failure{status, any_type, type});
}

DnsAnswer MemoryDnsSource::LookupOnce(const std::string& name, DnsType type) const {
  DnsAnswer answer;
  answer.source = source_name_;
  auto [fb, fe] = failures_.equal_range(name);
  for (auto it = fb; it != fe; ++it) {
    if (it->second.any_type || it->second.type == type) {
      answer.status = it->second.status;
      answer.error = std::string(DnsStatusName(it->second.status)) + " configured for " + name;
      return answer;
    }
  }
  if (auto o = outcomes_.find({name, type}); o != outcomes_.end()) {
    answer.status = o->second.status;
    answer.ttl = o->second.ttl;
    answer.error = o->second.error;
    answer.timeout = o->second.timeout;
    return answer;
  }
  auto [b, e] = records_.equal_range({name, type});
  if (b != e) {
    answer.status = DnsStatus::kOk;
    answer.ttl = UINT32_MAX;
    for (auto it = b; it != e; ++it) {
      answer.records.push_back(it->second);
      answer.ttl = std::min(answer.ttl, it->second.ttl);
    }
    return answer;
  }
  answer.status = names_.count(name) ? DnsStatus::kNoData : DnsStatus::kNxDomain;
  answer.ttl = NegativeTtlFor(name);
  return answer;
}

DnsAnswer MemoryDnsSource::Lookup(std::string_view name, DnsType type) {
  std::string current = NormalizeDnsName(name);
  std::vector<std::string> chain;
  uint32_t chain_ttl =
      UINT32_MAX;  // a positive answer lives no longer than the CNAMEs leading to it
  for (int hop = 0; hop <= kMaxCnameHops; ++hop) {
    DnsAnswer answer = LookupOnce(current, type);
    if (answer.status != DnsStatus::kNoData || type == DnsType::kCname ||
        outcomes_.count({current, type})) {
      if (answer.ok()) answer.ttl = std::min(answer.ttl, chain_ttl);
      if (!chain.empty()) answer.canonical_name = current;
      answer.cname_chain = std::move(chain);
      return answer;
    }
    auto it = records_.find({current, DnsType::kCname});
    if (it == records_.end()) {
      if (!chain.empty()) answer.canonical_name = current;
      answer.cname_chain = std::move(chain);
      return answer;
    }
    chain.push_back(current);
    chain_ttl = std::min(chain_ttl, it->second.ttl);
    current = it->second.target;
  }
  DnsAnswer loop;
  loop.status = DnsStatus::kPermError;
  loop.source = source_name_;
  loop.error = "CNAME chain longer than " + std::to_string(kMaxCnameHops) + " at " + current;
  loop.cname_chain = std::move(chain);
  return loop;
}

}  // namespace mv
