#include "dmarc/dmarc_record.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace mv {
namespace {

bool SameRecord(const DmarcRecord& a, const DmarcRecord& b) {
  return a.policy == b.policy && a.subdomain_policy == b.subdomain_policy &&
         a.nonexistent_policy == b.nonexistent_policy && a.strict_dkim == b.strict_dkim &&
         a.strict_spf == b.strict_spf && a.pct == b.pct && a.rua == b.rua && a.ruf == b.ruf &&
         a.fo == b.fo && a.rf == b.rf && a.ri == b.ri && a.policy_defaulted == b.policy_defaulted &&
         a.warnings == b.warnings;
}

bool SameParse(const Result<DmarcRecord>& a, const Result<DmarcRecord>& b) {
  if (a.ok() != b.ok()) return false;
  return a.ok() ? SameRecord(*a, *b) : a.error() == b.error();
}

// The memoized parse gives what ParseDmarcRecord gives, errors included, shares one parse per text,
// and stays right when several threads use it at once.
TEST(DmarcRecord, CachedParseEqualsParseAndIsShared) {
  const std::vector<std::string> texts = {
      "v=DMARC1; p=reject; rua=mailto:a@example.com; pct=50; adkim=s",
      "v=DMARC1; p=bogus; rua=mailto:x@example.com",
      "v=DMARC1; p=bogus",  // an error: no policy to apply
      "v=DMARC1; p=none; ri=nope; np=reject"};
  for (const std::string& t : texts) {
    const auto first = ParseDmarcRecordCached(t);
    const auto second = ParseDmarcRecordCached(t);
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first.get(), second.get()) << t;  // the second call is a hit
    EXPECT_TRUE(SameParse(*first, ParseDmarcRecord(t))) << t;
  }
  EXPECT_FALSE(ParseDmarcRecordCached(texts[2])->ok());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3000; ++i) {
        // Distinct texts beyond the cache's capacity as well as repeated ones.
        const std::string text =
            i % 2 == 0 ? texts[static_cast<size_t>(i / 2) % texts.size()]
                       : "v=DMARC1; p=quarantine; pct=" + std::to_string((i * 4 + t) % 101) +
                             "; rua=mailto:r" + std::to_string(i) + "@x.example";
        if (!SameParse(*ParseDmarcRecordCached(text), ParseDmarcRecord(text))) ++wrong;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(DmarcRecord, RecognisesVersionTag) {
  EXPECT_TRUE(IsDmarcRecord("v=DMARC1; p=none"));
  EXPECT_TRUE(IsDmarcRecord("v=DMARC1"));
  EXPECT_TRUE(IsDmarcRecord("  V = DMARC1 ;p=none"));
  EXPECT_FALSE(IsDmarcRecord("v=DMARC10; p=none"));
  EXPECT_FALSE(IsDmarcRecord("v=dmarc1; p=none"));
  EXPECT_FALSE(IsDmarcRecord("p=none; v=DMARC1"));
  EXPECT_FALSE(IsDmarcRecord("v=spf1 -all"));
  EXPECT_FALSE(IsDmarcRecord(""));
}

TEST(DmarcRecord, AllTags) {
  Result<DmarcRecord> r = ParseDmarcRecord(
      "v=DMARC1; p=quarantine; sp=reject; np=reject; adkim=s; aspf=s; pct=25; "
      "rua=mailto:a@example.com,mailto:b@example.com!5k; ruf=mailto:f@example.com; fo=d:s; "
      "rf=afrf; ri=600");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->policy, "quarantine");
  EXPECT_EQ(r->subdomain_policy, "reject");
  EXPECT_EQ(r->nonexistent_policy, "reject");
  EXPECT_TRUE(r->strict_dkim);
  EXPECT_TRUE(r->strict_spf);
  EXPECT_EQ(r->pct, 25);
  EXPECT_EQ(r->rua, (std::vector<std::string>{"mailto:a@example.com", "mailto:b@example.com!5k"}));
  EXPECT_EQ(r->ruf, std::vector<std::string>{"mailto:f@example.com"});
  EXPECT_EQ(r->fo, "d:s");
  EXPECT_EQ(r->ri, 600u);
  EXPECT_TRUE(r->warnings.empty());
}

TEST(DmarcRecord, PolicyRescuedByRua) {
  Result<DmarcRecord> r = ParseDmarcRecord("v=DMARC1; p=bogus; rua=mailto:x@example.com");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->policy, "none");
  EXPECT_TRUE(r->policy_defaulted);
  EXPECT_FALSE(ParseDmarcRecord("v=DMARC1; p=bogus").ok());
  EXPECT_FALSE(ParseDmarcRecord("v=DMARC1; p=bogus; rua=x@example.com").ok());  // no scheme
  EXPECT_FALSE(ParseDmarcRecord("v=DMARC1; p=reject; sp=bogus").ok());
}

TEST(DmarcRecord, BadOptionalValuesFallBackWithWarnings) {
  Result<DmarcRecord> r =
      ParseDmarcRecord("v=DMARC1; p=reject; pct=-1; ri=x; adkim=q; aspf=; p=none; rua=bad");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->policy, "reject");  // the first p= wins; the duplicate is noted
  EXPECT_EQ(r->pct, 100);
  EXPECT_EQ(r->ri, 86400u);
  EXPECT_FALSE(r->strict_dkim);
  EXPECT_TRUE(r->rua.empty());
  EXPECT_EQ(r->warnings.size(), 6u);
}

}  // namespace
}  // namespace mv
