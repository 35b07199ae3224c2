#include "dmarc/dmarc_evaluator.h"

#include <gtest/gtest.h>
#include <libpsl.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
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

// The list is loaded from the package's compiled form when there is one: it must place every name
// as the text list does. Each rule of the text list is asked as is and under one and two more
// labels; OrganizationalDomain must agree with the text list too.
TEST(OrganizationalDomain, CompiledListAgreesWithTheTextList) {
  const char* text_path = "/usr/share/publicsuffix/public_suffix_list.dat";
  const char* dafsa_path = "/usr/share/publicsuffix/public_suffix_list.dafsa";
  psl_ctx_t* text = psl_load_file(text_path);
  psl_ctx_t* dafsa = psl_load_file(dafsa_path);
  if (text == nullptr || dafsa == nullptr) {
    std::printf("skipped: %s or %s missing\n", text_path, dafsa_path);
    psl_free(text);
    psl_free(dafsa);
    GTEST_SKIP();
  }
  std::ifstream in(text_path);
  std::string line;
  size_t asked = 0, differ = 0;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.empty() || line.rfind("//", 0) == 0) continue;
    if (line.front() == '!') line.erase(0, 1);
    if (line.rfind("*.", 0) == 0) line.erase(0, 2);
    for (const char* prefix : {"", "a.", "b.a."}) {
      const std::string name = prefix + line;
      const char* t = psl_registrable_domain(text, name.c_str());
      const char* d = psl_registrable_domain(dafsa, name.c_str());
      const std::string expected = t != nullptr ? t : name;
      if (expected != (d != nullptr ? d : name)) ++differ;
      if (asked++ % 97 == 0) {
        EXPECT_EQ(OrganizationalDomain(name), expected) << name;
      }
    }
  }
  psl_free(text);
  psl_free(dafsa);
  EXPECT_GT(asked, 10000u);
  EXPECT_EQ(differ, 0u);
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
            "{\"result\":\"fail\",\"rules\":\"rfc7489\",\"discovery_method\":\"psl\","
            "\"from_count\":1,\"domain\":\"mail.example.com\",\"org_domain\":\"example.com\","
            "\"policy_domain\":\"example.com\",\"policy\":\"quarantine\",\"testing\":false,"
            "\"p\":\"reject\",\"subdomain_policy\":"
            "\"quarantine\",\"applied\":{\"tag\":\"sp\",\"policy\":\"quarantine\"},"
            "\"disposition\":\"quarantine\",\"pct\":100,\"sampled\":true,\"adkim\":\"r\","
            "\"aspf\":\"r\",\"dkim_aligned\":false,\"spf_aligned\":false,\"rua\":"
            "[\"mailto:d@example.com\"],\"ruf\":[],\"fo\":\"0\",\"rf\":\"afrf\",\"ri\":86400,"
            "\"record\":\"v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com\","
            "\"reason\":\"no aligned pass (relaxed DKIM: d=example.net pass; relaxed SPF: "
            "softfail for example.com)\"}");
}

// Discovery reads the TXT records in place: a record split over several strings is read joined,
// other TXT records (in one string or several) are passed over, two DMARC records apply no policy,
// and an org-domain fallback reports the record found there.
TEST(DmarcEvaluator, DiscoveryJoinsStringsAndSkipsOtherTxt) {
  MemoryDnsSource dns;
  dns.AddTxt("_dmarc.split.example", {"site-verification=", "abc"});
  dns.AddTxt("_dmarc.split.example", {"v=DMARC1; p=re", "ject; adkim=s"});
  dns.AddTxt("_dmarc.two.example", {"v=DMARC1; p=none"});
  dns.AddTxt("_dmarc.two.example", {"v=DMARC1; ", "p=reject"});
  dns.AddTxt("_dmarc.org.example", {"v=DMARC1; p=quarantine"});
  auto evaluate = [&](std::string from, std::string dkim_domain) {
    DmarcInput in;
    in.from_values.push_back(from);
    in.dkim.push_back({dkim_domain, true});
    return DmarcEvaluator(&dns).Evaluate(in);
  };
  DmarcResult split = evaluate("a@split.example", "mail.split.example");
  EXPECT_EQ(split.result, DmarcResultCode::kFail);  // adkim=s: a subdomain does not align
  EXPECT_EQ(split.record_text, "v=DMARC1; p=reject; adkim=s");
  EXPECT_EQ(split.disposition, "reject");
  DmarcResult two = evaluate("a@two.example", "two.example");
  EXPECT_EQ(two.result, DmarcResultCode::kNone);
  EXPECT_EQ(two.reason, "2 DMARC records at _dmarc.two.example; RFC 7489 6.6.3 applies no policy");
  DmarcResult org = evaluate("a@sub.org.example", "other.org.example");
  EXPECT_EQ(org.result, DmarcResultCode::kPass);  // relaxed: same organizational domain
  EXPECT_EQ(org.policy_domain, "org.example");
  EXPECT_EQ(org.record_text, "v=DMARC1; p=quarantine");
}

// Identities are compared as DNS names: case and one trailing dot do not matter, in strict and in
// relaxed mode, for DKIM and for SPF.
TEST(DmarcEvaluator, AlignmentIgnoresCaseAndTrailingDot) {
  MemoryDnsSource dns;
  dns.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject; adkim=s; aspf=s"});
  dns.AddTxt("_dmarc.relaxed.example", {"v=DMARC1; p=reject"});
  DmarcInput in;
  in.from_values.push_back("a@Example.COM");
  in.dkim.push_back({"EXAMPLE.com.", true});
  DmarcResult r = DmarcEvaluator(&dns).Evaluate(in);
  EXPECT_TRUE(r.dkim_aligned);
  EXPECT_EQ(r.aligned_dkim_domain, "example.com");
  in.dkim.clear();
  in.spf = {"example.COM.", "pass"};
  EXPECT_TRUE(DmarcEvaluator(&dns).Evaluate(in).spf_aligned);
  in.spf = {"mail.example.com", "pass"};  // strict: a subdomain does not align
  EXPECT_FALSE(DmarcEvaluator(&dns).Evaluate(in).spf_aligned);
  in.from_values[0] = "a@relaxed.example";
  in.spf = {"Bounce.RELAXED.example.", "pass"};
  EXPECT_TRUE(DmarcEvaluator(&dns).Evaluate(in).spf_aligned);
  in.spf = {".", "pass"};
  EXPECT_FALSE(DmarcEvaluator(&dns).Evaluate(in).spf_aligned);
}

TEST(DmarcJson, PermErrorHasReasonOnly) {
  MemoryDnsSource dns;
  DmarcResult r = DmarcEvaluator(&dns).Evaluate(DmarcInput{});
  std::string json;
  JsonWriter w(&json);
  WriteDmarcJson(r, &w);
  EXPECT_EQ(json,
            "{\"result\":\"permerror\",\"rules\":\"rfc7489\",\"discovery_method\":\"psl\","
            "\"from_count\":0,\"disposition\":\"none\",\"reason\":\"no From header field\"}");
}

}  // namespace
}  // namespace mv
