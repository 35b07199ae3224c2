// ARC validation against the ValiMail suite (arc-draft-validation-tests.yml, 171 tests, the
// reference) and Stalwart's two sealed messages. Each case is one GoogleTest; messages are turned
// from LF into CRLF as the reference harnesses do; TXT values with several lines are served as one
// string per line, and the key parser removes the white space the suite leaves inside p=.
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "arc/arc_json.h"
#include "arc/arc_validator.h"
#include "dns/memory_source.h"

namespace mv {
namespace {

const std::string kDataDir = std::string(MV_TEST_DATA) + "/conformance/arc";

// Cases the harness does not run, with the reason. Empty: every one of the 171 tests runs.
const std::vector<std::pair<std::string, std::string>> kSkipped = {};

struct ValimailCase {
  std::string id;
  std::string message;
  std::string expected;  // "pass", "fail" or "none"
  YAML::Node txt_records;
};

std::string ToCrlf(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 16);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out.push_back('\r');
    out.push_back(s[i]);
  }
  return out;
}

// The suite writes Pass/Fail/None; an empty cv means fail (see the conformance README).
std::string ExpectedWord(const std::string& cv) {
  if (cv == "Pass") return "pass";
  if (cv == "None") return "none";
  return "fail";
}

// The file repeats four test ids in the "Arc Seal Fields" scenario (as_fields_b_head_case,
// as_fields_b_head_unfold, as_fields_b_eol_wsp, as_fields_b_inl_wsp). The reference harness reads
// it with PyYAML, where a repeated key replaces the earlier one, so only the later copy of each is
// one of the suite's 171 tests; the shadowed copies are counted and not run, as upstream.
size_t shadowed_duplicates = 0;

std::vector<ValimailCase> LoadValimail() {
  std::vector<ValimailCase> cases;
  const std::vector<YAML::Node> docs =
      YAML::LoadAllFromFile(kDataDir + "/valimail-arc_test_suite/arc-draft-validation-tests.yml");
  for (const YAML::Node& doc : docs) {
    for (const auto& test : doc["tests"]) {
      ValimailCase c;
      c.id = test.first.as<std::string>();
      c.message = ToCrlf(test.second["message"].as<std::string>(""));
      c.expected = ExpectedWord(test.second["cv"].as<std::string>(""));
      c.txt_records = doc["txt-records"];
      bool replaced = false;
      for (ValimailCase& earlier : cases) {
        if (earlier.id == c.id) {
          earlier = c;  // PyYAML semantics: the later key wins, at the earlier position
          replaced = true;
          ++shadowed_duplicates;
        }
      }
      if (!replaced) cases.push_back(std::move(c));
    }
  }
  return cases;
}

const std::vector<ValimailCase>& Valimail() {
  static const std::vector<ValimailCase> cases = LoadValimail();
  return cases;
}

void LoadTxtRecords(const YAML::Node& records, MemoryDnsSource* dns) {
  for (const auto& rec : records) {
    std::vector<std::string> strings;
    std::istringstream lines(rec.second.as<std::string>());
    for (std::string line; std::getline(lines, line);) strings.push_back(line);
    dns->AddTxt(rec.first.as<std::string>(), strings);
  }
}

std::string Describe(const ArcResult& r) {
  std::string json;
  JsonWriter w(&json);
  WriteArcJson(r, &w);
  return json;
}

class ValimailArc : public ::testing::TestWithParam<size_t> {};

TEST_P(ValimailArc, Validation) {
  const ValimailCase& c = Valimail().at(GetParam());
  for (const auto& [id, why] : kSkipped) {
    if (id == c.id) GTEST_SKIP() << why;
  }
  MemoryDnsSource dns;
  LoadTxtRecords(c.txt_records, &dns);
  const HeaderIndex index = HeaderIndex::Build(c.message);
  const ArcResult r = ArcValidator(&dns).Validate(index);
  EXPECT_EQ(std::string(ArcResultName(r.result)), c.expected) << Describe(r);
}

std::vector<size_t> ValimailIndexes() {
  std::vector<size_t> v(Valimail().size());
  for (size_t i = 0; i < v.size(); ++i) v[i] = i;
  return v;
}

INSTANTIATE_TEST_SUITE_P(Suite, ValimailArc, ::testing::ValuesIn(ValimailIndexes()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return Valimail().at(info.param).id;
                         });

TEST(ValimailArcSuite, Counts) {
  size_t pass = 0, fail = 0, none = 0;
  for (const ValimailCase& c : Valimail()) {
    (c.expected == "pass" ? pass : c.expected == "fail" ? fail : none)++;
  }
  std::printf(
      "ValiMail ARC validation: %zu tests (%zu pass, %zu fail, %zu none expected), %zu skipped, "
      "%zu shadowed duplicate ids not run\n",
      Valimail().size(), pass, fail, none, kSkipped.size(), shadowed_duplicates);
  EXPECT_EQ(Valimail().size(), 171u);
  EXPECT_EQ(shadowed_duplicates, 4u);
}

// Stalwart: "<name> <TXT value>" lines, an empty line, then the message.
struct StalwartMessage {
  MemoryDnsSource dns;
  std::string message;
};

void LoadStalwart(const std::string& path, StalwartMessage* out) {
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line == "\r") break;
    const size_t space = line.find(' ');
    ASSERT_NE(space, std::string::npos) << line;
    out->dns.AddTxt(line.substr(0, space), {line.substr(space + 1)});
  }
  std::stringstream rest;
  rest << in.rdbuf();
  out->message = ToCrlf(rest.str());
}

TEST(StalwartArc, Message001Passes) {
  StalwartMessage m;
  LoadStalwart(kDataDir + "/stalwart-mail-auth/001.txt", &m);
  const HeaderIndex index = HeaderIndex::Build(m.message);
  const ArcResult r = ArcValidator(&m.dns).Validate(index);
  EXPECT_EQ(r.result, ArcResultCode::kPass) << Describe(r);
  EXPECT_GE(r.instances, 1);
}

TEST(StalwartArc, Message002Ed25519AndRsaSetsPass) {
  StalwartMessage m;
  LoadStalwart(kDataDir + "/stalwart-mail-auth/002.txt", &m);
  const HeaderIndex index = HeaderIndex::Build(m.message);
  const ArcResult r = ArcValidator(&m.dns).Validate(index);
  EXPECT_EQ(r.result, ArcResultCode::kPass) << Describe(r);
  ASSERT_EQ(r.instances, 2);
  EXPECT_EQ(r.hops[0].seal.a, "ed25519-sha256");
  EXPECT_EQ(r.hops[1].seal.a, "rsa-sha256");
  EXPECT_EQ(r.hops[1].authserv_id, "manchego.org");
  EXPECT_EQ(r.oldest_pass, 0);
}

}  // namespace
}  // namespace mv
