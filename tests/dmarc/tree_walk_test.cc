// The RFC 9989 DNS Tree Walk and the evaluation built on it: the 8-query cap and the 7-label jump,
// the psd= stop, several records at one name, DNS errors, np= with NXDOMAIN told from NODATA,
// t=y, the From field count, and the choice of rules by verification time.
#include "dmarc/tree_walk.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dmarc/dmarc_evaluator.h"
#include "dmarc/dmarc_json.h"
#include "dmarc/dmarc_rules.h"
#include "dns/memory_source.h"
#include "util/json_writer.h"

namespace mv {
namespace {

// Counts the questions that reach the source, so a test can see what a walk really asked.
class CountingResolver : public DnsResolver {
 public:
  explicit CountingResolver(MemoryDnsSource* inner) : inner_(inner) {}
  DnsAnswer Lookup(std::string_view name, DnsType type) override {
    asked.push_back(std::string(name) + (type == DnsType::kTxt ? "/TXT" : "/other"));
    return inner_->Lookup(name, type);
  }
  std::vector<std::string> asked;

 private:
  MemoryDnsSource* inner_;
};

DmarcResult Evaluate(DnsResolver* dns, std::string_view from_domain, DmarcRules rules,
                     std::vector<DkimIdentity> dkim = {}, SpfIdentity spf = {}) {
  const std::string from = "a@" + std::string(from_domain);
  DmarcInput in;
  in.from_values = {from};
  in.dkim = std::move(dkim);
  in.spf = std::move(spf);
  in.rules = rules;
  return DmarcEvaluator(dns).Evaluate(in);
}

TEST(TreeWalk, ThirteenLabelsCostEightQueriesWithTheJumpToSeven) {
  const std::vector<std::string> names = TreeWalkNames("a.b.c.d.e.f.g.h.i.j.mail.example.com");
  const std::vector<std::string> want = {
      "_dmarc.a.b.c.d.e.f.g.h.i.j.mail.example.com",
      "_dmarc.g.h.i.j.mail.example.com",  // 7 labels: the jump of 4.10 step 2
      "_dmarc.h.i.j.mail.example.com",
      "_dmarc.i.j.mail.example.com",
      "_dmarc.j.mail.example.com",
      "_dmarc.mail.example.com",
      "_dmarc.example.com",
      "_dmarc.com"};
  EXPECT_EQ(names, want);

  MemoryDnsSource zone;
  CountingResolver dns(&zone);
  const TreeWalk walk = WalkDmarcTree(&dns, "A.B.C.D.E.F.G.H.I.J.Mail.Example.COM.");
  EXPECT_EQ(walk.queried, want);  // lower-cased, trailing dot dropped
  EXPECT_EQ(dns.asked.size(), 8u);
  EXPECT_EQ(TreeWalkOrganizationalDomain(walk), "a.b.c.d.e.f.g.h.i.j.mail.example.com");
}

TEST(TreeWalk, EightLabelsSkipNothingAndNineSkipOne) {
  EXPECT_EQ(TreeWalkNames("a.b.c.d.e.f.example.com").size(), 8u);
  const std::vector<std::string> nine = TreeWalkNames("x.a.b.c.d.e.f.example.com");
  ASSERT_EQ(nine.size(), 8u);
  EXPECT_EQ(nine[1], "_dmarc.b.c.d.e.f.example.com");  // 7 labels; the 8-label name is skipped
  EXPECT_EQ(TreeWalkNames("com"), std::vector<std::string>{"_dmarc.com"});
  EXPECT_TRUE(TreeWalkNames("").empty());
  EXPECT_TRUE(TreeWalkNames("a..com").empty());
  // A 251-byte From domain is valid, but _dmarc. before it is not a possible name: the walk begins
  // with its parent instead of failing.
  const std::string label(59, 'x');
  const std::string long_name = label + "." + label + "." + label + "." + label + ".example.com";
  const std::vector<std::string> names = TreeWalkNames(long_name);
  ASSERT_EQ(long_name.size(), 251u);
  ASSERT_EQ(names.size(), 5u);
  EXPECT_EQ(names[0], "_dmarc." + long_name.substr(60));
  MemoryDnsSource zone;
  zone.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject"});
  EXPECT_EQ(Evaluate(&zone, long_name, DmarcRules::kRfc9989).result, DmarcResultCode::kFail);
}

TEST(TreeWalk, StopsAtPsdNAndPsdY) {
  MemoryDnsSource zone;
  zone.AddTxt("_dmarc.c.example.com", {"v=DMARC1; p=quarantine; psd=n"});
  zone.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject"});
  TreeWalk walk = WalkDmarcTree(&zone, "a.b.c.example.com");
  EXPECT_EQ(walk.queried,
            (std::vector<std::string>{"_dmarc.a.b.c.example.com", "_dmarc.b.c.example.com",
                                      "_dmarc.c.example.com"}));
  EXPECT_EQ(TreeWalkOrganizationalDomain(walk), "c.example.com");

  MemoryDnsSource psd;
  psd.AddTxt("_dmarc.b.c.example.com", {"v=DMARC1; p=none"});  // psd=u: the walk goes on
  psd.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject; psd=y"});
  psd.AddTxt("_dmarc.com", {"v=DMARC1; p=none"});
  walk = WalkDmarcTree(&psd, "a.b.c.example.com");
  EXPECT_EQ(walk.queried.size(), 4u);  // _dmarc.com is never asked
  ASSERT_EQ(walk.records.size(), 2u);
  EXPECT_EQ(TreeWalkOrganizationalDomain(walk), "c.example.com");  // one label below the PSD
  // psd=y at the start itself: the start is its own organizational domain.
  EXPECT_EQ(TreeWalkOrganizationalDomain(WalkDmarcTree(&psd, "example.com")), "example.com");
}

TEST(TreeWalk, PsdYAfterTheJumpNamesALabelNeverQueried) {
  // 11 labels: the start, then the 7-label x.y.z.e.f.example.com, which says psd=y. The
  // organizational domain is one label below it, the 8-label name the jump passed over.
  MemoryDnsSource zone;
  zone.AddTxt("_dmarc.x.y.z.e.f.example.com", {"v=DMARC1; p=reject; psd=y"});
  const TreeWalk walk = WalkDmarcTree(&zone, "a.b.c.d.x.y.z.e.f.example.com");
  EXPECT_EQ(walk.queried, (std::vector<std::string>{"_dmarc.a.b.c.d.x.y.z.e.f.example.com",
                                                    "_dmarc.x.y.z.e.f.example.com"}));
  EXPECT_EQ(TreeWalkOrganizationalDomain(walk), "d.x.y.z.e.f.example.com");
  // No record at the organizational domain: the PSD's record is the policy (4.10.1).
  const DmarcResult r = Evaluate(&zone, "a.b.c.d.x.y.z.e.f.example.com", DmarcRules::kRfc9989);
  EXPECT_EQ(r.policy_domain, "x.y.z.e.f.example.com");
  EXPECT_EQ(r.org_domain, "d.x.y.z.e.f.example.com");
}

TEST(TreeWalk, SeveralRecordsAtOneNameAreDiscardedAndTheWalkGoesOn) {
  MemoryDnsSource zone;
  zone.AddTxt("_dmarc.mail.example.com", {"v=DMARC1; p=reject"});
  zone.AddTxt("_dmarc.mail.example.com", {"v=DMARC1; p=none"});
  zone.AddTxt("_dmarc.mail.example.com", {"not dmarc"});
  zone.AddTxt("_dmarc.example.com", {"v=DMARC1; p=quarantine"});
  const TreeWalk walk = WalkDmarcTree(&zone, "mail.example.com");
  EXPECT_EQ(walk.discarded, std::vector<std::string>{"mail.example.com"});
  ASSERT_EQ(walk.records.size(), 1u);
  EXPECT_EQ(walk.records[0].domain, "example.com");
  const DmarcResult r = Evaluate(&zone, "mail.example.com", DmarcRules::kRfc9989);
  EXPECT_EQ(r.policy_domain, "example.com");
  EXPECT_EQ(r.policy, "quarantine");
  EXPECT_EQ(r.result, DmarcResultCode::kFail);
}

TEST(TreeWalk, ADnsErrorEndsTheWalkAndIsATemperror) {
  MemoryDnsSource zone;
  zone.SetFailure("_dmarc.example.com", DnsStatus::kTempError);
  zone.AddTxt("_dmarc.com", {"v=DMARC1; p=reject; psd=y"});
  const TreeWalk walk = WalkDmarcTree(&zone, "mail.example.com");
  EXPECT_TRUE(walk.dns_error);
  EXPECT_EQ(walk.queried.size(), 2u);
  EXPECT_EQ(Evaluate(&zone, "mail.example.com", DmarcRules::kRfc9989).result,
            DmarcResultCode::kTempError);

  // The From domain has its own record, but a d= walk fails: no aligned pass can be proven.
  MemoryDnsSource z2;
  z2.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject"});
  z2.SetFailure("_dmarc.signer.example.net", DnsStatus::kTempError);
  DmarcResult r =
      Evaluate(&z2, "example.com", DmarcRules::kRfc9989, {{"signer.example.net", true}});
  EXPECT_EQ(r.result, DmarcResultCode::kTempError) << r.reason;
  // An aligned identifier still passes whatever another walk met.
  r = Evaluate(&z2, "example.com", DmarcRules::kRfc9989,
               {{"signer.example.net", true}, {"example.com", true}});
  EXPECT_EQ(r.result, DmarcResultCode::kPass) << r.reason;
}

TEST(TreeWalk, EachIdentifierHasItsOwnWalk) {
  // psd=n splits the division off: under the walk, d=corp.example.com no longer aligns with
  // From div.example.com, where the PSL would have said both are example.com.
  MemoryDnsSource zone;
  zone.AddTxt("_dmarc.div.example.com", {"v=DMARC1; p=reject; psd=n"});
  zone.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject"});
  const DmarcResult bis =
      Evaluate(&zone, "div.example.com", DmarcRules::kRfc9989, {{"corp.example.com", true}});
  EXPECT_EQ(bis.result, DmarcResultCode::kFail);
  ASSERT_EQ(bis.identifier_org_domains.size(), 1u);
  EXPECT_EQ(bis.identifier_org_domains[0].second, "example.com");
  EXPECT_EQ(bis.org_domain, "div.example.com");
  const DmarcResult old =
      Evaluate(&zone, "div.example.com", DmarcRules::kRfc7489, {{"corp.example.com", true}});
  EXPECT_EQ(old.result, DmarcResultCode::kPass);
}

TEST(Dmarcbis, NpTellsNxdomainFromNodataThroughTheResolver) {
  MemoryDnsSource zone;
  zone.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject; sp=quarantine; np=none"});
  zone.AddAddress("live.example.com", "192.0.2.1");
  DnsRecord mx;
  mx.type = DnsType::kMx;
  mx.target = "mx.example.com";
  mx.preference = 10;
  zone.Add("mxonly.example.com", mx);  // NODATA for A: it exists
  CountingResolver dns(&zone);

  DmarcResult r = Evaluate(&dns, "ghost.example.com", DmarcRules::kRfc9989);
  EXPECT_EQ(r.applied_tag, "np");
  EXPECT_EQ(r.policy, "none");
  // One existence query, asked through the resolver (so recorded and replayed like the rest).
  EXPECT_EQ(std::count(dns.asked.begin(), dns.asked.end(), "ghost.example.com/other"), 1);

  r = Evaluate(&dns, "mxonly.example.com", DmarcRules::kRfc9989);
  EXPECT_EQ(r.applied_tag, "sp");
  EXPECT_EQ(r.policy, "quarantine");
  r = Evaluate(&dns, "live.example.com", DmarcRules::kRfc9989);
  EXPECT_EQ(r.policy, "quarantine");

  // A DNS error on the existence query of a failing message is a temperror.
  zone.SetFailure("broken.example.com", DnsStatus::kTempError);
  r = Evaluate(&zone, "broken.example.com", DmarcRules::kRfc9989);
  EXPECT_EQ(r.result, DmarcResultCode::kTempError) << r.reason;

  // np= equal to sp=: nothing to tell apart, no query.
  MemoryDnsSource same;
  same.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject; sp=none; np=none"});
  CountingResolver counted(&same);
  r = Evaluate(&counted, "ghost.example.com", DmarcRules::kRfc9989);
  EXPECT_EQ(r.policy, "none");
  EXPECT_EQ(std::count(counted.asked.begin(), counted.asked.end(), "ghost.example.com/other"), 0);
}

TEST(Dmarcbis, TestModeAppliesOneLevelLess) {
  MemoryDnsSource zone;
  zone.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject; t=y; pct=0"});
  DmarcResult r = Evaluate(&zone, "example.com", DmarcRules::kRfc9989);
  EXPECT_EQ(r.result, DmarcResultCode::kFail);
  EXPECT_TRUE(r.testing);
  EXPECT_EQ(r.applied_policy, "reject");
  EXPECT_EQ(r.policy, "quarantine");
  EXPECT_EQ(r.disposition, "quarantine");  // pct=0 is an unknown tag now: no sampling
  r = Evaluate(&zone, "example.com", DmarcRules::kRfc9989, {{"example.com", true}});
  EXPECT_EQ(r.result, DmarcResultCode::kPass);  // t= never changes the result
  // RFC 7489 knows no t=, and honours pct=0.
  r = Evaluate(&zone, "example.com", DmarcRules::kRfc7489);
  EXPECT_FALSE(r.testing);
  EXPECT_EQ(r.policy, "reject");
  EXPECT_EQ(r.disposition, "quarantine");
}

TEST(Dmarcbis, SpfHeloNeverAligns) {
  MemoryDnsSource zone;
  zone.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject"});
  SpfIdentity helo{"example.com", "pass", true};
  EXPECT_EQ(Evaluate(&zone, "example.com", DmarcRules::kRfc9989, {}, helo).result,
            DmarcResultCode::kFail);
  helo.helo = false;
  EXPECT_EQ(Evaluate(&zone, "example.com", DmarcRules::kRfc9989, {}, helo).result,
            DmarcResultCode::kPass);
}

TEST(Dmarcbis, SeveralFromFieldsOfOneDomainAreJudgedAndCounted) {
  MemoryDnsSource zone;
  zone.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject"});
  DmarcInput in;
  in.rules = DmarcRules::kRfc9989;
  in.from_values = {"Joe <joe@example.com>", "ann@EXAMPLE.com"};
  DmarcResult r = DmarcEvaluator(&zone).Evaluate(in);
  EXPECT_EQ(r.from_count, 2u);
  EXPECT_EQ(r.from_domain, "example.com");
  EXPECT_EQ(r.from_index, 0u);
  EXPECT_EQ(r.result, DmarcResultCode::kFail);
  in.from_values = {"joe@example.com", "eve@evil.example"};
  r = DmarcEvaluator(&zone).Evaluate(in);
  EXPECT_EQ(r.result, DmarcResultCode::kPermError);
  EXPECT_EQ(r.from_count, 2u);
  EXPECT_NE(r.reason.find("different domains"), std::string::npos) << r.reason;
  // RFC 7489 evaluation keeps refusing any second From field, and counts it too.
  in.rules = DmarcRules::kRfc7489;
  in.from_values = {"joe@example.com", "ann@example.com"};
  r = DmarcEvaluator(&zone).Evaluate(in);
  EXPECT_EQ(r.result, DmarcResultCode::kPermError);
  EXPECT_EQ(r.from_count, 2u);
}

TEST(DmarcRules, AutoPicksByVerificationTime) {
  EXPECT_EQ(kRfc9989PublishedAt, 1779235200);  // 2026-05-20T00:00:00Z
  EXPECT_EQ(SelectDmarcRules(DmarcRulesChoice::kAuto, kRfc9989PublishedAt - 1),
            DmarcRules::kRfc7489);
  EXPECT_EQ(SelectDmarcRules(DmarcRulesChoice::kAuto, kRfc9989PublishedAt), DmarcRules::kRfc9989);
  EXPECT_EQ(SelectDmarcRules(DmarcRulesChoice::kAuto, 1704067200), DmarcRules::kRfc7489);  // 2024
  EXPECT_EQ(SelectDmarcRules(DmarcRulesChoice::kAuto, 1796601600),
            DmarcRules::kRfc9989);  // 2026-12
  EXPECT_EQ(SelectDmarcRules(DmarcRulesChoice::kRfc7489, 1796601600), DmarcRules::kRfc7489);
  EXPECT_EQ(SelectDmarcRules(DmarcRulesChoice::kRfc9989, 1704067200), DmarcRules::kRfc9989);
  EXPECT_EQ(*ParseDmarcRulesChoice("auto"), DmarcRulesChoice::kAuto);
  EXPECT_EQ(*ParseDmarcRulesChoice("rfc9989"), DmarcRulesChoice::kRfc9989);
  EXPECT_EQ(*ParseDmarcRulesChoice("rfc7489"), DmarcRulesChoice::kRfc7489);
  EXPECT_FALSE(ParseDmarcRulesChoice("dmarcbis").ok());
}

TEST(DmarcJson, NamesRulesMethodPolicyAndTesting) {
  MemoryDnsSource zone;
  zone.AddTxt("_dmarc.example.com", {"v=DMARC1; p=reject; t=y"});
  auto json = [&](DmarcRules rules) {
    std::string out;
    JsonWriter w(&out);
    WriteDmarcJson(Evaluate(&zone, "mail.example.com", rules), &w);
    return out;
  };
  const std::string bis = json(DmarcRules::kRfc9989);
  EXPECT_NE(bis.find("\"rules\":\"rfc9989\""), std::string::npos) << bis;
  EXPECT_NE(bis.find("\"discovery_method\":\"treewalk\""), std::string::npos) << bis;
  EXPECT_NE(bis.find("\"policy_domain\":\"example.com\""), std::string::npos) << bis;
  EXPECT_NE(bis.find("\"policy\":\"quarantine\""), std::string::npos) << bis;
  EXPECT_NE(bis.find("\"testing\":true"), std::string::npos) << bis;
  EXPECT_EQ(bis.find("\"pct\""), std::string::npos) << bis;
  const std::string old = json(DmarcRules::kRfc7489);
  EXPECT_NE(old.find("\"rules\":\"rfc7489\""), std::string::npos) << old;
  EXPECT_NE(old.find("\"discovery_method\":\"psl\""), std::string::npos) << old;
  EXPECT_NE(old.find("\"policy\":\"reject\""), std::string::npos) << old;
  EXPECT_NE(old.find("\"testing\":false"), std::string::npos) << old;
}

}  // namespace
}  // namespace mv
