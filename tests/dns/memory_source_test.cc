#include "dns/memory_source.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

TEST(DnsRecord, JoinedTxtViewReadsOneStringInPlaceAndJoinsSeveral) {
  DnsRecord one;
  one.txt = {"v=spf1 -all"};
  std::string storage = "left over";
  EXPECT_EQ(one.JoinedTxtView(&storage).data(), one.txt[0].data());
  DnsRecord several;
  several.txt = {"v=DKIM1; ", "", "p=abc"};
  EXPECT_EQ(several.JoinedTxtView(&storage), "v=DKIM1; p=abc");
  EXPECT_EQ(several.JoinedTxtView(&storage), several.JoinedTxt());
  DnsRecord none;
  EXPECT_EQ(none.JoinedTxtView(&storage), "");
}

TEST(MemoryDnsSource, TellsNxdomainFromNodata) {
  MemoryDnsSource dns;
  dns.AddTxt("Example.COM.", {"v=spf1 ", "-all"}, 60);
  DnsAnswer txt = dns.Lookup("example.com", DnsType::kTxt);
  ASSERT_TRUE(txt.ok());
  EXPECT_EQ(txt.records.at(0).JoinedTxt(), "v=spf1 -all");
  EXPECT_EQ(txt.ttl, 60u);
  EXPECT_EQ(txt.source, "zone");
  EXPECT_EQ(dns.Lookup("example.com", DnsType::kA).status, DnsStatus::kNoData);
  EXPECT_EQ(dns.Lookup("nope.example.com", DnsType::kA).status, DnsStatus::kNxDomain);
}

TEST(MemoryDnsSource, FollowsCnamesAndStopsLoops) {
  MemoryDnsSource dns;
  dns.AddCname("s1._domainkey.a.example", "s1.provider.example");
  dns.AddTxt("s1.provider.example", {"v=DKIM1; p=abc"});
  DnsAnswer a = dns.Lookup("s1._domainkey.a.example", DnsType::kTxt);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.cname_chain, std::vector<std::string>{"s1._domainkey.a.example"});
  dns.AddCname("loop1.example", "loop2.example");
  dns.AddCname("loop2.example", "loop1.example");
  EXPECT_EQ(dns.Lookup("loop1.example", DnsType::kTxt).status, DnsStatus::kPermError);
}

TEST(MemoryDnsSource, ConfiguredFailures) {
  MemoryDnsSource dns;
  dns.AddTxt("t.example", {"x"});
  dns.SetFailure("t.example", DnsStatus::kTempError);
  EXPECT_EQ(dns.Lookup("t.example", DnsType::kTxt).status, DnsStatus::kTempError);
}

}  // namespace
}  // namespace mv

namespace mv {
namespace {

TEST(MemoryDnsSource, NamesOutcomesAndZoneNegativeTtls) {
  MemoryDnsSource dns;
  dns.AddName("ns-only.example");
  EXPECT_EQ(dns.Lookup("ns-only.example", DnsType::kTxt).status, DnsStatus::kNoData);
  dns.SetNegativeTtl(100);
  dns.SetZoneNegativeTtl("example", 30);
  dns.SetZoneNegativeTtl("sub.example", 10);
  EXPECT_EQ(dns.Lookup("x.example", DnsType::kTxt).ttl, 30u);
  EXPECT_EQ(dns.Lookup("x.sub.example", DnsType::kTxt).ttl, 10u);
  EXPECT_EQ(dns.Lookup("x.other", DnsType::kTxt).ttl, 100u);
  dns.AddTxt("t.example", {"x"});
  dns.SetOutcome("t.example", DnsType::kTxt, {DnsStatus::kNxDomain, 5, ""});
  DnsAnswer nx = dns.Lookup("t.example", DnsType::kTxt);
  EXPECT_EQ(nx.status, DnsStatus::kNxDomain);
  EXPECT_EQ(nx.ttl, 5u);
}

TEST(MemoryDnsSource, ChainTtlAndCanonicalName) {
  MemoryDnsSource dns;
  dns.AddCname("a.example", "b.example", 20);
  dns.AddTxt("b.example", {"x"}, 300);
  DnsAnswer a = dns.Lookup("a.example", DnsType::kTxt);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.ttl, 20u);  // no longer than the CNAME leading to it
  EXPECT_EQ(a.canonical_name, "b.example");
  EXPECT_TRUE(dns.Lookup("b.example", DnsType::kTxt).canonical_name.empty());
}

}  // namespace
}  // namespace mv
