// ArcValidator behaviour beyond the suite's pass/fail word: oldest-pass, per-hop reports, DNS
// temporary errors, the JSON form and the prefetch questions. Messages come from the ValiMail
// suite.
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "arc/arc_json.h"
#include "arc/arc_validator.h"
#include "dns/memory_source.h"

namespace mv {
namespace {

struct SuiteMessage {
  std::string message;
  MemoryDnsSource dns;
};

// Loads one test of arc-draft-validation-tests.yml (CRLF line ends) and its scenario's keys.
void LoadSuiteMessage(const std::string& id, SuiteMessage* out) {
  const std::vector<YAML::Node> docs = YAML::LoadAllFromFile(
      std::string(MV_TEST_DATA) +
      "/conformance/arc/valimail-arc_test_suite/arc-draft-validation-tests.yml");
  for (const YAML::Node& doc : docs) {
    const YAML::Node test = doc["tests"][id];
    if (!test) continue;
    const std::string lf = test["message"].as<std::string>();
    for (size_t i = 0; i < lf.size(); ++i) {
      if (lf[i] == '\n') out->message.push_back('\r');
      out->message.push_back(lf[i]);
    }
    for (const auto& rec : doc["txt-records"]) {
      std::vector<std::string> strings;
      std::istringstream lines(rec.second.as<std::string>());
      for (std::string line; std::getline(lines, line);) strings.push_back(line);
      out->dns.AddTxt(rec.first.as<std::string>(), strings);
    }
    return;
  }
  FAIL() << "no test " << id;
}

TEST(ArcValidator, OldestPassWhenAnOlderAmsBroke) {
  SuiteMessage m;
  LoadSuiteMessage("cv_pass_i2_1_ams1_invalid", &m);
  const HeaderIndex index = HeaderIndex::Build(m.message);
  const ArcResult r = ArcValidator(&m.dns).Validate(index);
  EXPECT_EQ(r.result, ArcResultCode::kPass);
  EXPECT_EQ(r.instances, 2);
  EXPECT_EQ(r.oldest_pass, 2);
  ASSERT_EQ(r.hops.size(), 2u);
  EXPECT_FALSE(r.hops[0].message_signature.pass);
  EXPECT_TRUE(r.hops[0].seal.pass);
  EXPECT_TRUE(r.hops[1].message_signature.pass);
  EXPECT_EQ(r.hops[1].cv, "pass");
  EXPECT_EQ(r.hops[0].cv, "none");
}

TEST(ArcValidator, HopsReportWhatEachAarRecorded) {
  SuiteMessage m;
  LoadSuiteMessage("cv_pass_i3_1", &m);
  const HeaderIndex index = HeaderIndex::Build(m.message);
  const ArcResult r = ArcValidator(&m.dns).Validate(index);
  ASSERT_EQ(r.result, ArcResultCode::kPass) << r.reason;
  EXPECT_EQ(r.oldest_pass, 0);
  ASSERT_EQ(r.hops.size(), 3u);
  for (const ArcHop& hop : r.hops) {
    EXPECT_EQ(hop.authserv_id, "lists.example.org");
    ASSERT_EQ(hop.results.size(), 3u);
    EXPECT_EQ(hop.results[0].method, "spf");
    EXPECT_EQ(hop.results[1].method, "dkim");
    EXPECT_EQ(hop.results[1].properties.at(0).first, "header.i");
    EXPECT_EQ(hop.results[2].method, "dmarc");
    EXPECT_EQ(hop.seal.key_bits, hop.message_signature.key_bits);
    EXPECT_GE(hop.seal.key_bits, 1024);
  }
}

TEST(ArcValidator, KeyTempErrorFailsAndSaysSo) {
  SuiteMessage m;
  LoadSuiteMessage("cv_pass_i1_1", &m);
  m.dns.SetFailure("dummy._domainkey.example.org", DnsStatus::kTempError);
  const HeaderIndex index = HeaderIndex::Build(m.message);
  const ArcResult r = ArcValidator(&m.dns).Validate(index);
  EXPECT_EQ(r.result, ArcResultCode::kFail);
  EXPECT_TRUE(r.temperror);
  EXPECT_TRUE(r.hops.at(0).seal.temperror);
}

TEST(ArcValidator, JsonForABrokenChain) {
  SuiteMessage m;
  LoadSuiteMessage("cv_fail_i1_as_pass", &m);
  const HeaderIndex index = HeaderIndex::Build(m.message);
  const ArcResult r = ArcValidator(&m.dns).Validate(index);
  std::string json;
  JsonWriter w(&json);
  WriteArcJson(r, &w);
  EXPECT_EQ(json,
            "{\"result\":\"fail\",\"instances\":1,\"oldest_pass\":0,\"reason\":\"ARC-Seal i=1 has "
            "cv=pass, expected none\",\"hops\":[{\"instance\":1,\"authserv_id\":"
            "\"lists.example.org\",\"cv\":\"pass\",\"results\":[{\"method\":\"spf\",\"result\":"
            "\"pass\",\"properties\":{\"smtp.mfrom\":\"jqd@d1.example\"}},{\"method\":\"dkim\","
            "\"result\":\"pass\",\"properties\":{\"header.i\":\"@d1.example\"}},{\"method\":"
            "\"dmarc\",\"result\":\"pass\",\"properties\":{}}],\"seal\":{\"d\":\"example.org\","
            "\"s\":\"dummy\",\"a\":\"rsa-sha256\",\"result\":\"pass\",\"key_bits\":1024},"
            "\"message_signature\":{\"d\":\"example.org\",\"s\":\"dummy\",\"a\":\"rsa-sha256\","
            "\"result\":\"pass\",\"key_bits\":1024}}]}");
}

TEST(ArcValidator, NoArcFieldsIsNone) {
  const std::string message = "From: a@example.org\r\nSubject: x\r\n\r\nbody\r\n";
  const HeaderIndex index = HeaderIndex::Build(message);
  MemoryDnsSource dns;
  const ArcResult r = ArcValidator(&dns).Validate(index);
  EXPECT_EQ(r.result, ArcResultCode::kNone);
  EXPECT_TRUE(r.hops.empty());
}

TEST(CollectArcQuestions, OneQuestionPerKey) {
  SuiteMessage m;
  LoadSuiteMessage("cv_pass_i2_1", &m);
  const HeaderIndex index = HeaderIndex::Build(m.message);
  std::vector<DnsQuestion> q;
  CollectArcQuestions(index, &q);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0], (DnsQuestion{"dummy._domainkey.example.org", DnsType::kTxt}));
}

}  // namespace
}  // namespace mv
