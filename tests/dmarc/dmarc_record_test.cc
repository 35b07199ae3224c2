#include "dmarc/dmarc_record.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

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
