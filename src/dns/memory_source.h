// MemoryDnsSource: answers from records held in memory. It is the offline source behind zone-file
// snapshots and `--keys` files, and what conformance tests load their suites' DNS data into. A name
// with no records at all is NXDOMAIN; a name with records of other types only is NODATA.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "dns/resolver.h"

namespace mv {

class MemoryDnsSource : public DnsResolver {
 public:
  explicit MemoryDnsSource(std::string source_name = "zone")
      : source_name_(std::move(source_name)) {}

  // Adds a record at `name` (any case, trailing dot optional). Several records per name/type
  // allowed.
  void Add(std::string_view name, DnsRecord record);
  void AddTxt(std::string_view name, std::vector<std::string> strings, uint32_t ttl = 3600);
  void AddAddress(std::string_view name, std::string_view address,
                  uint32_t ttl = 3600);  // A or AAAA
  void AddCname(std::string_view name, std::string_view target, uint32_t ttl = 3600);
  // Makes every query for `name` (of `type`, or of any type when `any_type`) fail with `status`.
  void SetFailure(std::string_view name, DnsStatus status, bool any_type = true,
                  DnsType type = DnsType::kTxt);
  void SetNegativeTtl(uint32_t ttl) { negative_ttl_ = ttl; }
  // Marks `name` as existing without records of the types above (it owns NS, SOA or other types, or
  // is an empty non-terminal), so that questions for it are NODATA rather than NXDOMAIN.
  void AddName(std::string_view name);
  // Negative TTL (RFC 2308: min(SOA TTL, SOA minimum)) for names at or below `apex`; the closest
  // enclosing apex wins over SetNegativeTtl.
  void SetZoneNegativeTtl(std::string_view apex, uint32_t ttl);
  // A recorded outcome for exactly (name, type): NXDOMAIN, NODATA, temperror or permerror with its
  // TTL and detail, as a snapshot saw it. It wins over records, so a replay gives the recorded
  // status.
  struct Outcome {
    DnsStatus status = DnsStatus::kNxDomain;
    uint32_t ttl = 0;
    std::string error;
    bool timeout = false;  // a temperror that was a timeout (DnsAnswer::timeout)
  };
  void SetOutcome(std::string_view name, DnsType type, Outcome outcome);
  const std::map<std::pair<std::string, DnsType>, Outcome>& outcomes() const { return outcomes_; }

  DnsAnswer Lookup(std::string_view name, DnsType type) override;

  bool empty() const { return records_.empty() && failures_.empty(); }
  // Every (name, type) with records, for writing snapshots.
  const std::multimap<std::pair<std::string, DnsType>, DnsRecord>& records() const {
    return records_;
  }

 private:
  DnsAnswer LookupOnce(const std::string& name, DnsType type) const;
  uint32_t NegativeTtlFor(const std::string& name) const;

  std::string source_name_;
  uint32_t negative_ttl_ = 300;
  std::multimap<std::pair<std::string, DnsType>, DnsRecord> records_;
  std::map<std::string, int> names_;  // every name that owns a record, for NXDOMAIN vs NODATA
  struct Failure {
    DnsStatus status;
    bool any_type;
    DnsType type;
  };
  std::multimap<std::string, Failure> failures_;
  std::map<std::pair<std::string, DnsType>, Outcome> outcomes_;
  std::map<std::string, uint32_t> zone_negative_ttls_;  // apex -> negative TTL
};

}  // namespace mv
