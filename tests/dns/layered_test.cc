#include "dns/layered_resolver.h"

#include <gtest/gtest.h>

#include "dns/dns_stack.h"
#include "dns/zone_loader.h"
#include "test_sources.h"

namespace mv {
namespace {

TEST(LayeredResolver, KeysFirstThenTheSource) {
  MemoryDnsSource keys("keys");
  ASSERT_TRUE(LoadZoneText("s1._domainkey.example.com. 60 IN TXT \"v=DKIM1; p=OLD1\"\n"
                           "s1._domainkey.example.com. 60 IN TXT \"v=DKIM1; p=OLD2\"\n",
                           "keys.txt", &keys)
                  .ok());
  MemoryDnsSource zone("zone");
  zone.AddTxt("s1._domainkey.example.com", {"v=DKIM1; p=NEW"});
  zone.AddTxt("s2._domainkey.example.com", {"v=DKIM1; p=OTHER"});
  CountingSource counting(&zone);
  LayeredResolver layered(&keys, &counting);

  DnsAnswer s1 = layered.Lookup("s1._domainkey.example.com", DnsType::kTxt);
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1.source, "keys");
  EXPECT_EQ(s1.records.size(), 2u);
  EXPECT_EQ(counting.lookups(), 0);

  DnsAnswer s2 = layered.Lookup("s2._domainkey.example.com", DnsType::kTxt);
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(s2.source, "zone");
  EXPECT_EQ(layered.Lookup("s3._domainkey.example.com", DnsType::kTxt).status,
            DnsStatus::kNxDomain);

  std::vector<DnsQuestion> batch = {{"s1._domainkey.example.com", DnsType::kTxt},
                                    {"s2._domainkey.example.com", DnsType::kTxt}};
  std::vector<DnsAnswer> many = layered.LookupMany(batch);
  ASSERT_EQ(many.size(), 2u);
  EXPECT_EQ(many[0].source, "keys");
  EXPECT_EQ(many[1].source, "zone");
  EXPECT_EQ(counting.batch_questions(), 1);  // only s2 went to the source
}

TEST(DnsStack, ZoneKeysCacheAndRecordFromOptions) {
  const std::string dir = std::string(MV_BINARY_DIR);
  const std::string keys_path = dir + "/dns-stack-test-keys.txt";
  const std::string record_path = dir + "/dns-stack-test-record.zone";
  {
    FILE* f = fopen(keys_path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs("s2048._domainkey.mailverify.test. 86400 IN TXT \"v=DKIM1; p=HISTORIC\"\n", f);
    fclose(f);
  }
  DnsOptions options;
  options.zone_files = {ZonePath("mailverify.test.zone"), ZonePath("other.test.zone")};
  options.keys_file = keys_path;
  options.record_file = record_path;
  Result<std::unique_ptr<DnsStack>> stack = BuildDnsStack(options);
  ASSERT_TRUE(stack.ok()) << stack.error();
  DnsStack& dns = **stack;
  EXPECT_EQ(dns.description(), "keys+zone");
  DnsAnswer key = dns.resolver().Lookup("s2048._domainkey.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key.source, "keys");
  EXPECT_EQ(key.records.at(0).JoinedTxt(), "v=DKIM1; p=HISTORIC");
  DnsAnswer key4096 = dns.resolver().Lookup("s4096._domainkey.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(key4096.ok());
  EXPECT_EQ(key4096.source, "zone");
  dns.resolver().Lookup("s4096._domainkey.mailverify.test", DnsType::kTxt);
  EXPECT_EQ(dns.resolver().Lookup("nope.mailverify.test", DnsType::kTxt).status,
            DnsStatus::kNxDomain);
  DnsStats s = dns.stats();
  EXPECT_EQ(s.lookups, 4u);
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.queries, 3u);
  ASSERT_TRUE(dns.Flush().ok());

  // Replaying the record file alone gives the same answers.
  DnsOptions replay_options;
  replay_options.zone_files = {record_path};
  Result<std::unique_ptr<DnsStack>> replay = BuildDnsStack(replay_options);
  ASSERT_TRUE(replay.ok()) << replay.error();
  DnsAnswer again = (*replay)->resolver().Lookup("s2048._domainkey.mailverify.test", DnsType::kTxt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.records.at(0).JoinedTxt(), "v=DKIM1; p=HISTORIC");
  EXPECT_EQ((*replay)->resolver().Lookup("nope.mailverify.test", DnsType::kTxt).status,
            DnsStatus::kNxDomain);
  std::remove(keys_path.c_str());
  std::remove(record_path.c_str());

  options.zone_files = {ZonePath("missing.zone")};
  Result<std::unique_ptr<DnsStack>> bad = BuildDnsStack(options);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("missing.zone: cannot open"), std::string::npos);
}

}  // namespace
}  // namespace mv
