#include "audit/domain_audit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "dns/memory_source.h"

namespace mv {
namespace {

bool HasProblem(const std::vector<std::string>& problems, std::string_view needle) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const std::string& p) { return p.find(needle) != std::string::npos; });
}

// RSA 1024 public key (SubjectPublicKeyInfo, base64) for key records.
constexpr const char* kRsa1024 =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/"
    "zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/"
    "NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB";

class DomainAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dns_.Add("example.com", MxRecord(20, "mx2.example.com"));
    dns_.Add("example.com", MxRecord(10, "mx1.example.com"));
    dns_.AddAddress("mx1.example.com", "192.0.2.1");
    dns_.AddTxt("example.com", {"v=spf1 a mx include:_spf.example.com ", "~all"});
    dns_.AddAddress("example.com", "192.0.2.2");
    dns_.AddTxt("_spf.example.com", {"v=spf1 ip4:192.0.2.0/24 include:_spf2.example.com -all"});
    dns_.AddTxt("_spf2.example.com", {"v=spf1 exists:gone.example.com ptr -all"});
    dns_.AddTxt("_dmarc.example.com", {"v=DMARC1; p=quarantine; sp=reject; pct=50; "
                                       "rua=mailto:dmarc@example.com"});
    dns_.AddTxt("sel1._domainkey.example.com", {std::string("v=DKIM1; k=rsa; p=") + kRsa1024});
    dns_.AddTxt("old._domainkey.example.com", {"v=DKIM1; k=rsa; p="});
    dns_.AddTxt("open.example", {"v=spf1 +all"});
  }

  static DnsRecord MxRecord(uint16_t pref, const char* host) {
    DnsRecord r;
    r.type = DnsType::kMx;
    r.preference = pref;
    r.target = host;
    return r;
  }

  MemoryDnsSource dns_;
};

TEST_F(DomainAuditTest, SpfLookupsAreCountedThroughIncludes) {
  SpfPosture spf = AuditSpf("example.com", dns_);
  EXPECT_TRUE(spf.found);
  EXPECT_EQ(spf.record, "v=spf1 a mx include:_spf.example.com ~all");
  EXPECT_EQ(spf.all_qualifier, "~all");
  // a, mx, include (top) + include (_spf) + exists, ptr (_spf2) = 6.
  EXPECT_EQ(spf.lookups, 6);
  // exists:gone.example.com finds nothing.
  EXPECT_EQ(spf.void_lookups, 1);
  EXPECT_TRUE(HasProblem(spf.problems, "ptr mechanism at _spf2.example.com"));
  EXPECT_FALSE(HasProblem(spf.problems, "over the lookup limit"));
}

TEST_F(DomainAuditTest, OverTheLimitPlusAllLoopsAndRedirects) {
  // Eleven includes of a record with one lookup each: 11 + 11 = 22 lookups.
  std::string big = "v=spf1";
  for (int i = 0; i < 11; ++i) {
    std::string name = "i";
    name.append(std::to_string(i)).append(".big.example");
    big += " include:" + name;
    dns_.AddTxt(name, {"v=spf1 a:host.big.example -all"});
  }
  dns_.AddTxt("big.example", {big + " -all"});
  SpfPosture spf = AuditSpf("big.example", dns_);
  EXPECT_EQ(spf.lookups, 22);
  EXPECT_EQ(spf.void_lookups, 11);
  EXPECT_TRUE(HasProblem(spf.problems, "over the lookup limit: 22 DNS lookups"));
  EXPECT_TRUE(HasProblem(spf.problems, "11 void lookups"));

  spf = AuditSpf("open.example", dns_);
  EXPECT_EQ(spf.all_qualifier, "+all");
  EXPECT_TRUE(HasProblem(spf.problems, "+all"));

  dns_.AddTxt("loop.example", {"v=spf1 include:loop2.example -all"});
  dns_.AddTxt("loop2.example", {"v=spf1 include:loop.example -all"});
  spf = AuditSpf("loop.example", dns_);
  EXPECT_TRUE(HasProblem(spf.problems, "loop"));

  dns_.AddTxt("redir.example", {"v=spf1 redirect=example.com"});
  spf = AuditSpf("redir.example", dns_);
  EXPECT_EQ(spf.all_qualifier, "redirect=example.com");
  EXPECT_EQ(spf.lookups, 7);

  spf = AuditSpf("nothing.example", dns_);
  EXPECT_FALSE(spf.found);
  EXPECT_TRUE(HasProblem(spf.problems, "no SPF record"));
}

TEST_F(DomainAuditTest, DomainPostureWithMxDmarcAndKeys) {
  std::vector<SelectorUse> seen(3);
  seen[0].d = "example.com", seen[0].s = "sel1", seen[0].a = "rsa-sha256", seen[0].key_bits = 1024;
  seen[1].d = "example.com", seen[1].s = "old", seen[1].a = "rsa-sha1", seen[1].key_bits = 2048;
  seen[2].d = "example.com", seen[2].s = "gone", seen[2].a = "rsa-sha256", seen[2].key_bits = 2048;
  DomainPosture p = AuditDomain("example.com", dns_, seen);
  EXPECT_EQ(p.mx, (std::vector<std::string>{"10 mx1.example.com", "20 mx2.example.com"}));
  EXPECT_TRUE(p.dmarc.found);
  EXPECT_EQ(p.dmarc.policy, "quarantine");
  EXPECT_EQ(p.dmarc.subdomain_policy, "reject");
  EXPECT_EQ(p.dmarc.pct, 50);
  EXPECT_EQ(p.dmarc.rua, std::vector<std::string>{"mailto:dmarc@example.com"});
  EXPECT_TRUE(HasProblem(p.dmarc.problems, "pct=50"));
  ASSERT_EQ(p.selectors.size(), 3u);
  EXPECT_EQ(p.selectors[0].key_now, "ok");
  EXPECT_EQ(p.selectors[0].key_now_bits, 1024);
  EXPECT_TRUE(HasProblem(p.selectors[0].problems, "weak RSA key of 1024 bits"));
  EXPECT_EQ(p.selectors[1].key_now, "revoked");
  EXPECT_TRUE(HasProblem(p.selectors[1].problems, "rsa-sha1"));
  EXPECT_EQ(p.selectors[2].key_now, "missing");

  std::string json;
  JsonWriter w(&json);
  WriteDomainPostureJson(p, &w);
  EXPECT_NE(json.find("\"lookups\":6"), std::string::npos) << json;
  EXPECT_NE(json.find("\"p\":\"quarantine\""), std::string::npos) << json;
  const std::string table = FormatDomainPostures({p});
  EXPECT_NE(table.find("MX     10 mx1.example.com, 20 mx2.example.com"), std::string::npos)
      << table;
  EXPECT_NE(table.find("lookups 6/10, void 1, all ~all"), std::string::npos) << table;
  EXPECT_NE(table.find("old._domainkey.example.com"), std::string::npos) << table;
}

TEST_F(DomainAuditTest, DmarcFallsBackToTheOrganisationalDomain) {
  DomainPosture p = AuditDomain("news.example.com", dns_, {});
  EXPECT_TRUE(p.dmarc.found);
  EXPECT_EQ(p.dmarc.record_domain, "example.com");
  EXPECT_EQ(p.mx_status, "nxdomain");
  EXPECT_TRUE(p.mx.empty());
  p = AuditDomain("open.example", dns_, {});
  EXPECT_FALSE(p.dmarc.found);
  EXPECT_TRUE(HasProblem(p.dmarc.problems, "no DMARC record"));
}

}  // namespace
}  // namespace mv
