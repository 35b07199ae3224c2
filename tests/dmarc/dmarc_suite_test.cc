// Data-driven DMARC evaluation suite: every case in tests/dmarc/cases/*.yml becomes one GoogleTest.
// A case gives a DNS zone, the From field value(s), DKIM and SPF outcomes, and the expected fields;
// see tests/dmarc/cases/README.md for the format.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dmarc/dmarc_evaluator.h"
#include "dns/memory_source.h"

namespace mv {
namespace {

struct SuiteCase {
  std::string file;
  std::string name;
  YAML::Node node;
};

std::string CasesDir() {
  return std::string(MV_TEST_DATA) + "/dmarc/cases";
}

std::vector<SuiteCase> LoadCases() {
  std::vector<SuiteCase> cases;
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(CasesDir(), ec)) {
    if (e.path().extension() == ".yml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    YAML::Node doc = YAML::LoadFile(f.string());
    for (const YAML::Node& c : doc) {
      cases.push_back({f.filename().string(), c["name"].as<std::string>(), c});
    }
  }
  return cases;
}

const std::vector<SuiteCase>& AllCases() {
  static const std::vector<SuiteCase> cases = LoadCases();
  return cases;
}

// Loads a case's `zone` into an in-memory DNS source.
void LoadZone(const YAML::Node& zone, MemoryDnsSource* dns) {
  if (!zone) return;
  for (const auto& entry : zone) {
    const std::string name = entry.first.as<std::string>();
    const YAML::Node& v = entry.second;
    if (v.IsScalar()) {
      const std::string s = v.as<std::string>();
      if (s == "TEMPERROR") {
        dns->SetFailure(name, DnsStatus::kTempError);
      } else if (s == "PERMERROR") {
        dns->SetFailure(name, DnsStatus::kPermError);
      } else {
        dns->AddTxt(name, {s});
      }
    } else if (v.IsSequence()) {
      for (const YAML::Node& rec : v) {
        if (rec.IsSequence()) {
          dns->AddTxt(name, rec.as<std::vector<std::string>>());
        } else {
          dns->AddTxt(name, {rec.as<std::string>()});
        }
      }
    } else if (v.IsMap()) {
      for (const auto& typed : v) {
        const std::string type = typed.first.as<std::string>();
        const std::string value = typed.second.as<std::string>();
        if (type == "A" || type == "AAAA") {
          dns->AddAddress(name, value);
        } else if (type == "CNAME") {
          dns->AddCname(name, value);
        } else if (type == "MX") {
          DnsRecord mx;
          mx.type = DnsType::kMx;
          mx.target = value;
          mx.preference = 10;
          dns->Add(name, mx);
        } else if (type == "TXT") {
          dns->AddTxt(name, {value});
        } else {
          ADD_FAILURE() << "unknown record type " << type << " at " << name;
        }
      }
    }
  }
}

// The evaluator's outcome as the flat names the cases use.
std::map<std::string, std::string> Flatten(const DmarcResult& r) {
  std::map<std::string, std::string> f;
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  f["result"] = std::string(DmarcResultName(r.result));
  f["domain"] = r.from_domain;
  f["org_domain"] = r.org_domain;
  f["policy_domain"] = r.policy_domain;
  f["disposition"] = r.disposition;
  f["dkim_aligned"] = b(r.dkim_aligned);
  f["spf_aligned"] = b(r.spf_aligned);
  f["dkim_aligned_domain"] = r.aligned_dkim_domain;
  f["record"] = r.record_text;
  f["has_policy"] = b(r.record.has_value());
  if (r.record) {
    const DmarcRecord& rec = *r.record;
    f["policy"] = rec.policy;
    f["subdomain_policy"] = rec.subdomain_policy.empty() ? rec.policy : rec.subdomain_policy;
    f["nonexistent_policy"] = rec.nonexistent_policy;
    f["applied_tag"] = r.applied_tag;
    f["applied_policy"] = r.applied_policy;
    f["pct"] = std::to_string(rec.pct);
    f["sampled"] = b(r.sampled);
    f["adkim"] = rec.strict_dkim ? "s" : "r";
    f["aspf"] = rec.strict_spf ? "s" : "r";
    f["policy_defaulted"] = b(rec.policy_defaulted);
    f["ri"] = std::to_string(rec.ri);
    f["fo"] = rec.fo;
    f["rf"] = rec.rf;
    std::string rua;
    for (const std::string& u : rec.rua) rua += (rua.empty() ? "" : ",") + u;
    f["rua"] = rua;
    std::string ruf;
    for (const std::string& u : rec.ruf) ruf += (ruf.empty() ? "" : ",") + u;
    f["ruf"] = ruf;
    f["warning_count"] = std::to_string(rec.warnings.size());
  }
  return f;
}

class DmarcSuite : public ::testing::TestWithParam<size_t> {};

TEST_P(DmarcSuite, Case) {
  const SuiteCase& c = AllCases().at(GetParam());
  SCOPED_TRACE(c.file + ": " + c.name);
  const YAML::Node& n = c.node;

  MemoryDnsSource dns;
  LoadZone(n["zone"], &dns);

  std::vector<std::string> from_storage;
  if (n["from"]) {
    if (n["from"].IsSequence()) {
      from_storage = n["from"].as<std::vector<std::string>>();
    } else {
      from_storage.push_back(n["from"].as<std::string>());
    }
  }
  DmarcInput in;
  for (const std::string& s : from_storage) in.from_values.push_back(s);
  if (n["dkim"]) {
    for (const YAML::Node& d : n["dkim"]) {
      in.dkim.push_back({d["domain"].as<std::string>(), d["result"].as<std::string>() == "pass"});
    }
  }
  if (n["spf"]) {
    in.spf.domain = n["spf"]["domain"].as<std::string>("");
    in.spf.result = n["spf"]["result"].as<std::string>("");
  }
  const std::string sampling_key = n["sampling_key"].as<std::string>("");
  in.sampling_key = sampling_key;

  const DmarcResult result = DmarcEvaluator(&dns).Evaluate(in);
  const std::map<std::string, std::string> actual = Flatten(result);
  const YAML::Node& expect = n["expect"];
  ASSERT_TRUE(expect && expect.IsMap() && expect.size() > 0) << "case without expectations";
  for (const auto& e : expect) {
    const std::string key = e.first.as<std::string>();
    const std::string want = e.second.as<std::string>();
    if (key == "reason_contains") {
      EXPECT_NE(result.reason.find(want), std::string::npos)
          << "reason \"" << result.reason << "\" lacks \"" << want << "\"";
      continue;
    }
    auto it = actual.find(key);
    ASSERT_NE(it, actual.end()) << "expected field " << key
                                << " is not produced (reason: " << result.reason << ")";
    EXPECT_EQ(it->second, want) << "field " << key << " (reason: " << result.reason << ")";
  }
}

std::vector<size_t> CaseIndexes() {
  std::vector<size_t> v(AllCases().size());
  for (size_t i = 0; i < v.size(); ++i) v[i] = i;
  return v;
}

INSTANTIATE_TEST_SUITE_P(Cases, DmarcSuite, ::testing::ValuesIn(CaseIndexes()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return AllCases().at(info.param).name;
                         });

// Guards against a suite that silently loads nothing, and against two cases sharing a name.
TEST(DmarcSuiteData, LoadsEveryCase) {
  const auto& cases = AllCases();
  std::set<std::string> names;
  for (const SuiteCase& c : cases) {
    EXPECT_TRUE(names.insert(c.name).second) << "duplicate case name " << c.name;
  }
  std::printf("DMARC suite: %zu cases from %s\n", cases.size(), CasesDir().c_str());
  EXPECT_GE(cases.size(), 40u);
}

}  // namespace
}  // namespace mv
