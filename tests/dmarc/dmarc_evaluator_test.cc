#include "dmarc/dmarc_evaluator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "dmarc/dmarc_json.h"
#include "dmarc/org_domain.h"
#include "dns/memory_source.h"

namespace mv {
namespace {

TEST(OrganizationalDomain, FromPublicSuffixList) {
  EXPECT_EQ(OrganizationalDomain("a.b.Example.COM."), "example.com");
  EXPECT_EQ(OrganizationalDomain("www.example.co.uk"), "example.co.uk");
  EXPECT_EQ(OrganizationalDomain("example.com"), "example.com");
  EXPECT_EQ(OrganizationalDomain("co.uk"), "co.uk");  // a public suffix is its own
  EXPECT_EQ(OrganizationalDomain("x.alice.github.io"), "alice.github.io");
  EXPECT_FALSE(PublicSuffixListSource().empty());
}

TEST(CollectDmarcQuestions, DomainAndOrgDomain) {
  auto q = CollectDmarcQuestions("Mail.Example.com");
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0], (DnsQuestion{"_dmarc.mail.example.com", DnsType::kTxt}));
  EXPECT_EQ(q[1], (DnsQuestion{"_dmarc.example.com", DnsType::kTxt}));
  EXPECT_EQ(CollectDmarcQuestions("example.com").size(), 1u);
  EXPECT_TRUE(CollectDmarcQuestions("").empty());
}

TEST(ExtractFromDomain, OneMailboxOnly) {
  Result<std::string> d = ExtractFromDomain({"Joe <joe@Mail.Example.com>"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "mail.example.com");
  EXPECT_FALSE(ExtractFromDomain({}).ok());
  EXPECT_FALSE(ExtractFromDomain({"a@x.example, b@x.example"}).ok());
}

// OrganizationalDomain is memoized per name and shared by the pipeline's threads: a name asked
// again (a hit), and names asked from many threads at once while the cache evicts, give the list's
// answer.
TEST(OrganizationalDomain, CachedAnswersEqualFirstAnswersAcrossThreads) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Mail.Example.CO.UK.", "example.co.uk"},
      {"x.alice.github.io", "alice.github.io"},
      {"deep.a.b.c.example.com", "example.com"},
      {"co.uk", "co.uk"},
      {"localhost", "localhost"},
      {"", ""}};
  for (const auto& [name, org] : expected) {
    EXPECT_EQ(OrganizationalDomain(name), org) << name;  // computed (or cached by a test above)
    EXPECT_EQ(OrganizationalDomain(name), org) << name;  // cached
  }
  // More distinct names than the cache keeps, so the threads also meet evictions.
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 6000; ++i) {
        std::string host = std::to_string(i * 4 + t);
        host += ".mail.example.co.uk";
        if (OrganizationalDomain(host) != "example.co.uk") ++wrong;
        const auto& [name, org] = expected[static_cast<size_t>(i) % expected.size()];
        if (OrganizationalDomain(name) != org) ++wrong;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(FromFieldValues, EveryFromFieldInOrder) {
  const std::string message =
      "from: Joe <joe@example.com>\r\nTo: x@example.net\r\nFROM: ann@example.org\r\n\r\n";
  const HeaderIndex index = HeaderIndex::Build(message);
  const std::vector<std::string_view> values = FromFieldValues(index);
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0], " Joe <joe@example.com>");
  EXPECT_EQ(values[1], " ann@example.org");
  Result<std::string> d = ExtractFromDomain(values);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error(), "2 From header fields");
}

TEST(DmarcJson, FailWithPolicy) {
  MemoryDnsSource dns;
  dns.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com"});
  DmarcInput in;
  std::string from = "joe@mail.example.com";
  in.from_values.push_back(from);
  in.dkim.push_back({"example.net", true});
  in.spf = {"example.com", "softfail"};
  DmarcResult r = DmarcEvaluator(&dns).Evaluate(in);
  std::string json;
  JsonWriter w(&json);
  WriteDmarcJson(r, &w);
  EXPECT_EQ(json,
            "{\"result\":\"fail\",\"domain\":\"mail.example.com\",\"org_domain\":\"example.com\","
            "\"policy_domain\":\"example.com\",\"policy\":\"reject\",\"subdomain_policy\":"
            "\"quarantine\",\"applied\":{\"tag\":\"sp\",\"policy\":\"quarantine\"},"
            "\"disposition\":\"quarantine\",\"pct\":100,\"sampled\":true,\"adkim\":\"r\","
            "\"aspf\":\"r\",\"dkim_aligned\":false,\"spf_aligned\":false,\"rua\":"
            "[\"mailto:d@example.com\"],\"ruf\":[],\"fo\":\"0\",\"rf\":\"afrf\",\"ri\":86400,"
            "\"record\":\"v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com\","
            "\"reason\":\"no aligned pass (relaxed DKIM: d=example.net pass; relaxed SPF: "
            "softfail for example.com)\"}");
}

TEST(DmarcJson, PermErrorHasReasonOnly) {
  MemoryDnsSource dns;
  DmarcResult r = DmarcEvaluator(&dns).Evaluate(DmarcInput{});
  std::string json;
  JsonWriter w(&json);
  WriteDmarcJson(r, &w);
  EXPECT_EQ(json,
            "{\"result\":\"permerror\",\"disposition\":\"none\",\"reason\":\"no From header "
            "field\"}");
}

}  // namespace
}  // namespace mv
