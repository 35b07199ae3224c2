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
  explicit MemoryDnsSource(std::string source_name = "zone") : source_name_(std::move(source_name)) {}

  // Adds a record at `name` (any case, trailing dot optional). Several records per name/type allowed.
  void Add(std::string_view name, DnsRecord record);
  void AddTxt(std::string_view name, std::vector<std::string> strings, uint32_t ttl = 3600);
  void AddAddress(std::string_view name, std::string_view address, uint32_t ttl = 3600);  // A or AAAA
  void AddCname(std::string_view name, std::string_view target, uint32_t ttl = 3600);
  // Makes every query for `name` (of `type`, or of any type when `any_type`) fail with `status`.
  void SetFailure(std::string_view name, DnsStatus status, bool any_type = true,
                  DnsType type = DnsType::kTxt);
  void SetNegativeTtl(uint32_t ttl) { negative_ttl_ = ttl; }

  DnsAnswer Lookup(std::string_view name, DnsType type) override;

  bool empty() const { return records_.empty() && failures_.empty(); }
  // Every (name, type) with records, for writing snapshots.
  const std::multimap<std::pair<std::string, DnsType>, DnsRecord>& records() const { return records_; }

 private:
  DnsAnswer LookupOnce(const std::string& name, DnsType type) const;

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
};

}  // namespace mv
