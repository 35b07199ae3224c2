// Comparison of two DNS answers for replay tests: everything but `source` must be identical.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "dns/dns_types.h"

namespace mv {

inline std::string DescribeAnswer(const DnsAnswer& a) {
  std::string s = std::string(DnsStatusName(a.status)) + " ttl=" + std::to_string(a.ttl);
  for (const std::string& c : a.cname_chain) s += " cname:" + c;
  if (!a.canonical_name.empty()) s += " canonical:" + a.canonical_name;
  for (const DnsRecord& r : a.records) {
    s += " [" + std::string(DnsTypeName(r.type)) + " " + std::to_string(r.ttl) + " ";
    for (const std::string& t : r.txt) s += "\"" + t + "\"";
    s += r.target + " " + std::to_string(r.preference) + "]";
  }
  if (!a.error.empty()) s += " error=" + a.error;
  if (a.timeout) s += " timeout";
  return s;
}

// Records compare as a multiset: a server may return an RRset in any order.
inline std::string CanonicalAnswer(DnsAnswer a) {
  a.source.clear();
  std::vector<std::string> records;
  for (const DnsRecord& r : a.records) {
    DnsAnswer one;
    one.status = DnsStatus::kOk;
    one.records = {r};
    records.push_back(DescribeAnswer(one));
  }
  std::sort(records.begin(), records.end());
  a.records.clear();
  std::string s = DescribeAnswer(a);
  for (const std::string& r : records) s += r;
  return s;
}

}  // namespace mv
