// RFC 9989 conformance: every case of tests/conformance/dmarcbis/cases.yml (translated from the
// RFC's examples and seven implementations' tests; see its README.md and SOURCES.md) becomes one
// GoogleTest, Cases/DmarcbisConformance.Case/<id>. Cases this verifier does not follow are skipped
// with their reason (GTEST_SKIP), so ctest lists them; kSkipped below is the whole list.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dmarc/dmarc_evaluator.h"
#include "dmarc/tree_walk.h"
#include "dns/memory_source.h"

namespace mv {
namespace {

// Cases not run, and why. Each reason names the choice this verifier made instead.
const std::map<std::string, std::string>& Skipped() {
  static const std::map<std::string, std::string> skipped = {
      {"mailauth-multiple-records-no-inherit",
       "disagreement D1: mailauth stops discovery at a name with several records; mailverify "
       "follows the literal RFC 9989 4.10 steps 2/6 (discard them, walk on), as OpenDMARC does "
       "(opendmarc-multirecord-walk-continues runs)"},
      {"checkdmarc-walk-multiple-records-error",
       "record-checker severity (MultipleDMARCRecords exception), not verifier behaviour; the "
       "verifier discards the records and walks on (4.10)"},
      {"checkdmarc-multiple-records",
       "record-checker severity; the verifier answers none for the same data "
       "(mailauth-multiple-records-only, securedmarc-multiple-records-all-discarded run)"},
      {"checkdmarc-invalid-np",
       "record-checker severity; a verifier treats an invalid np= like an invalid p= (4.10.1; "
       "rfc-4.10.1-invalid-np-with-rua and securedmarc-applicability-np-bogus run)"},
      {"checkdmarc-invalid-psd",
       "record-checker severity; a verifier reads an invalid psd= as the default u (4.8)"},
      {"checkdmarc-invalid-t",
       "record-checker severity; a verifier reads an invalid t= as the default n (4.8; "
       "securedmarc-t-bad-value-default runs)"},
  };
  return skipped;
}

const YAML::Node& Cases() {
  static const YAML::Node doc =
      YAML::LoadFile(std::string(MV_TEST_DATA) + "/conformance/dmarcbis/cases.yml");
  static const YAML::Node cases = doc["cases"];
  return cases;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The case's DNS: MemoryDnsSource holds the records, NXDOMAIN and NODATA; this wrapper adds the
// case's dns_default for names not listed (SERVFAIL in one case).
class CaseDns : public DnsResolver {
 public:
  explicit CaseDns(const YAML::Node& c) {
    const YAML::Node& dns = c["dns"];
    std::set<std::string> listed;
    if (dns && dns.IsMap()) {
      for (const auto& entry : dns) {
        const std::string name = Lower(entry.first.as<std::string>());
        listed.insert(name);
        Load(name, entry.second);
      }
    }
    // A proper ancestor of a listed name is an empty non-terminal: NODATA, not NXDOMAIN.
    for (const std::string& name : listed) {
      for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
        const std::string ancestor = name.substr(dot + 1);
        if (!listed.count(ancestor)) memory_.AddName(ancestor);
        known_.insert(ancestor);
      }
      known_.insert(name);
    }
    fail_unlisted_ = c["dns_default"] && c["dns_default"].as<std::string>() == "SERVFAIL";
  }

  DnsAnswer Lookup(std::string_view name, DnsType type) override {
    if (fail_unlisted_ && !known_.count(NormalizeDnsName(name))) {
      DnsAnswer a;
      a.status = DnsStatus::kTempError;
      a.error = "SERVFAIL (the case's dns_default)";
      return a;
    }
    return memory_.Lookup(name, type);
  }

 private:
  void Load(const std::string& name, const YAML::Node& v) {
    if (v.IsScalar()) {
      const std::string s = v.as<std::string>();
      if (s == "NXDOMAIN") {
        memory_.SetFailure(name, DnsStatus::kNxDomain);
      } else if (s == "NODATA") {
        memory_.AddName(name);
      } else if (s == "SERVFAIL") {
        memory_.SetFailure(name, DnsStatus::kTempError);
      } else {
        ADD_FAILURE() << "unknown DNS outcome " << s << " at " << name;
      }
    } else if (v.IsSequence()) {
      AddTxt(name, v);
    } else if (v.IsMap()) {
      for (const auto& typed : v) {
        const std::string type = typed.first.as<std::string>();
        if (type == "TXT") {
          AddTxt(name, typed.second);
          continue;
        }
        for (const YAML::Node& value : typed.second) {
          if (type == "A" || type == "AAAA") {
            memory_.AddAddress(name, value.as<std::string>());
          } else if (type == "MX") {
            const std::string mx = value.as<std::string>();  // "<preference> <exchange>"
            DnsRecord r;
            r.type = DnsType::kMx;
            r.preference = static_cast<uint16_t>(std::stoi(mx.substr(0, mx.find(' '))));
            r.target = mx.substr(mx.find(' ') + 1);
            memory_.Add(name, r);
          } else {
            ADD_FAILURE() << "unknown record type " << type << " at " << name;
          }
        }
      }
    }
    if (v.IsSequence() && v.size() == 0) memory_.AddName(name);
  }

  void AddTxt(const std::string& name, const YAML::Node& rrs) {
    for (const YAML::Node& rr : rrs) {
      if (rr.IsSequence()) {
        memory_.AddTxt(name, rr.as<std::vector<std::string>>());
      } else {
        memory_.AddTxt(name, {rr.as<std::string>()});
      }
    }
  }

  MemoryDnsSource memory_;
  std::set<std::string> known_;
  bool fail_unlisted_ = false;
};

std::string Str(const YAML::Node& n) {
  return n.IsNull() ? std::string() : n.as<std::string>();
}

std::vector<std::string> Strings(const YAML::Node& n) {
  return n.as<std::vector<std::string>>();
}

// The organizational domain of `domain`: from the evaluation when it walked that identifier,
// otherwise by a walk of its own (the evaluator needs no walk for an identifier equal to the From
// domain or compared strictly).
std::string OrgDomainOf(const std::string& domain, const DmarcResult& r, DnsResolver* dns) {
  const std::string d = NormalizeDnsName(domain);
  for (const auto& [name, org] : r.identifier_org_domains) {
    if (name == d) return org;
  }
  if (d == r.from_domain && !r.org_domain.empty()) return r.org_domain;
  return TreeWalkOrganizationalDomain(WalkDmarcTree(dns, d));
}

void CheckWalkQueries(const YAML::Node& want, DnsResolver* dns) {
  for (const auto& w : want) {
    const std::string start = w.first.as<std::string>();
    EXPECT_EQ(WalkDmarcTree(dns, start).queried, Strings(w.second)) << "walk from " << start;
  }
}

// kind: verify and discovery — a full evaluation of one message.
void RunEvaluation(const YAML::Node& c) {
  CaseDns dns(c);
  const std::string from_value = "someone@" + c["from_domain"].as<std::string>();
  DmarcInput in;
  in.rules = DmarcRules::kRfc9989;
  in.from_values = {from_value};
  bool spf_given = false, dkim_pass_given = false;
  if (c["spf"]) {
    in.spf.domain = c["spf"]["domain"].as<std::string>();
    in.spf.result = c["spf"]["result"].as<std::string>();
    spf_given = in.spf.result == "pass";
  }
  if (c["dkim"]) {
    for (const YAML::Node& d : c["dkim"]) {
      const bool pass = d["result"].as<std::string>() == "pass";
      in.dkim.push_back({d["d"].as<std::string>(), pass});
      dkim_pass_given = dkim_pass_given || pass;
    }
  }
  const DmarcResult r = DmarcEvaluator(&dns).Evaluate(in);
  SCOPED_TRACE("reason: " + r.reason);
  const bool applies = r.record && r.record->applicability != DmarcApplicability::kNoProcessing &&
                       r.result != DmarcResultCode::kTempError;
  size_t checked = 0;
  for (const auto& e : c["expect"]) {
    const std::string key = e.first.as<std::string>();
    const YAML::Node& v = e.second;
    ++checked;
    if (key == "result") {
      EXPECT_EQ(DmarcResultName(r.result), v.as<std::string>());
    } else if (key == "dmarc_applies") {
      EXPECT_EQ(applies, v.as<bool>());
    } else if (key == "record_found") {
      EXPECT_EQ(r.record.has_value(), v.as<bool>());
    } else if (key == "policy_domain") {
      EXPECT_EQ(r.policy_domain, v.as<std::string>());
    } else if (key == "policy_record") {
      EXPECT_EQ(r.record_text, v.as<std::string>());
    } else if (key == "policy") {
      EXPECT_EQ(applies ? r.policy : std::string(), Str(v));
    } else if (key == "discovery_queries") {
      EXPECT_EQ(r.discovery_queries, Strings(v));
    } else if (key == "discovery_queries_include") {
      for (const std::string& q : Strings(v)) {
        EXPECT_NE(std::find(r.discovery_queries.begin(), r.discovery_queries.end(), q),
                  r.discovery_queries.end())
            << q << " not queried";
      }
    } else if (key == "walk_queries") {
      CheckWalkQueries(v, &dns);
    } else if (key == "org_domain") {
      for (const auto& o : v) {
        const std::string which = o.first.as<std::string>();
        if (which == "from") {
          EXPECT_EQ(r.org_domain, o.second.as<std::string>()) << "org domain of the From domain";
        } else if (which == "spf") {
          EXPECT_EQ(OrgDomainOf(in.spf.domain, r, &dns), o.second.as<std::string>()) << "SPF";
        } else if (which == "dkim") {
          for (const auto& d : o.second) {
            EXPECT_EQ(OrgDomainOf(d.first.as<std::string>(), r, &dns), d.second.as<std::string>())
                << "DKIM d=" << d.first.as<std::string>();
          }
        } else {
          ADD_FAILURE() << "unknown org_domain key " << which;
        }
      }
    } else if (key == "alignment") {
      for (const auto& a : v) {
        const std::string which = a.first.as<std::string>();
        const std::string want = a.second.as<std::string>();
        if (which == "dkim_mode") {
          ASSERT_TRUE(r.record.has_value());
          EXPECT_EQ(r.record->strict_dkim ? "s" : "r", want);
        } else if (which == "spf" || which == "dkim") {
          const bool given = which == "spf" ? spf_given : dkim_pass_given;
          const bool aligned = which == "spf" ? r.spf_aligned : r.dkim_aligned;
          EXPECT_EQ(!given ? "none" : aligned ? "pass" : "fail", want) << which << " alignment";
        } else {
          ADD_FAILURE() << "unknown alignment key " << which;
        }
      }
    } else {
      ADD_FAILURE() << "expectation " << key << " is not checked by this harness";
    }
  }
  EXPECT_GT(checked, 0u);
}

// kind: org_domain — the organizational domain of one name by its own walk.
void RunOrgDomain(const YAML::Node& c) {
  CaseDns dns(c);
  const std::string start = c["start_domain"].as<std::string>();
  const TreeWalk walk = WalkDmarcTree(&dns, start);
  ASSERT_FALSE(walk.dns_error) << walk.error;
  for (const auto& o : c["expect"]["org_domain"]) {
    EXPECT_EQ(TreeWalkOrganizationalDomain(WalkDmarcTree(&dns, o.first.as<std::string>())),
              o.second.as<std::string>());
  }
  if (c["expect"]["walk_queries"]) CheckWalkQueries(c["expect"]["walk_queries"], &dns);
}

// kind: alignment — one identifier against one Author Domain: by the walks directly, and through
// a full evaluation that offers the identifier as a passing DKIM d= or SPF domain.
void RunAlignment(const YAML::Node& c) {
  CaseDns dns(c);
  const std::string author = c["author_domain"].as<std::string>();
  const std::string id = c["identifier"].as<std::string>();
  const std::string author_org = TreeWalkOrganizationalDomain(WalkDmarcTree(&dns, author));
  const std::string id_org = TreeWalkOrganizationalDomain(WalkDmarcTree(&dns, id));
  const std::string state = NormalizeDnsName(author) == NormalizeDnsName(id) ? "strict"
                            : author_org == id_org                           ? "relaxed"
                                                                             : "none";
  DmarcInput in;
  in.rules = DmarcRules::kRfc9989;
  const std::string from_value = "someone@" + author;
  in.from_values = {from_value};
  const bool as_spf = c["identifier_type"] && c["identifier_type"].as<std::string>() == "spf";
  if (as_spf) {
    in.spf = {id, "pass"};
  } else {
    in.dkim.push_back({id, true});
  }
  const DmarcResult r = DmarcEvaluator(&dns).Evaluate(in);
  const YAML::Node& e = c["expect"];
  if (e["org_domain"]) {
    for (const auto& o : e["org_domain"]) {
      EXPECT_EQ(TreeWalkOrganizationalDomain(WalkDmarcTree(&dns, o.first.as<std::string>())),
                o.second.as<std::string>());
    }
  }
  if (e["alignment_state"]) {
    EXPECT_EQ(state, e["alignment_state"].as<std::string>());
  }
  if (e["aligned"]) {
    EXPECT_EQ(state != "none", e["aligned"].as<bool>());
  }
  // The evaluator (relaxed mode in every such zone) must agree whenever it found a record.
  if (r.record) {
    EXPECT_EQ(as_spf ? r.spf_aligned : r.dkim_aligned, state != "none") << r.reason;
  }
}

// kind: record — parsing and applicability of one record by RFC 9989 rules.
void RunRecord(const YAML::Node& c) {
  const std::string text = c["record"].as<std::string>();
  const YAML::Node& e = c["expect"];
  if (e["record_valid"]) {
    EXPECT_EQ(IsDmarcRecord(text), e["record_valid"].as<bool>());
  }
  if (!IsDmarcRecord(text)) {
    EXPECT_FALSE(ParseDmarcRecord(text, DmarcRules::kRfc9989).ok());
    return;
  }
  const Result<DmarcRecord> parsed = ParseDmarcRecord(text, DmarcRules::kRfc9989);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  const DmarcRecord& rec = *parsed;
  if (e["effective_tags"]) {
    const std::map<std::string, std::string> actual = {
        {"p", rec.policy},
        {"sp", rec.EffectiveSubdomainPolicy()},
        {"np", rec.EffectiveNonexistentPolicy()},
        {"adkim", rec.strict_dkim ? "s" : "r"},
        {"aspf", rec.strict_spf ? "s" : "r"},
        {"psd", std::string(1, rec.psd)},
        {"t", rec.testing ? "y" : "n"},
    };
    for (const auto& t : e["effective_tags"]) {
      const std::string tag = t.first.as<std::string>();
      ASSERT_TRUE(actual.count(tag)) << "tag " << tag;
      EXPECT_EQ(actual.at(tag), t.second.as<std::string>()) << "tag " << tag;
    }
  }
  if (e["ignored_tags"]) {
    for (const std::string& t : Strings(e["ignored_tags"])) {
      EXPECT_NE(std::find(rec.ignored_tags.begin(), rec.ignored_tags.end(), t),
                rec.ignored_tags.end())
          << t << " not ignored";
    }
  }
  if (e["applicability"]) {
    const char* names[] = {"apply", "as_none", "no_processing"};
    EXPECT_EQ(names[static_cast<int>(rec.applicability)], e["applicability"].as<std::string>());
  }
  if (e["effective_policy"]) {
    for (const auto& p : e["effective_policy"]) {
      const std::string which = p.first.as<std::string>();
      const std::string& declared = which == "author" ? rec.policy : rec.EffectiveSubdomainPolicy();
      const std::string applied = rec.testing ? std::string(MilderDmarcPolicy(declared)) : declared;
      EXPECT_EQ(applied, p.second.as<std::string>()) << which;
    }
  }
}

class DmarcbisConformance : public ::testing::TestWithParam<size_t> {};

TEST_P(DmarcbisConformance, Case) {
  const YAML::Node c = Cases()[GetParam()];
  const std::string id = c["id"].as<std::string>();
  SCOPED_TRACE(id + ": " + c["description"].as<std::string>());
  if (auto it = Skipped().find(id); it != Skipped().end()) GTEST_SKIP() << it->second;
  const std::string kind = c["kind"].as<std::string>();
  if (kind == "verify" || kind == "discovery") {
    RunEvaluation(c);
  } else if (kind == "org_domain") {
    RunOrgDomain(c);
  } else if (kind == "alignment") {
    RunAlignment(c);
  } else if (kind == "record") {
    RunRecord(c);
  } else if (kind == "rua_syntax") {
    EXPECT_EQ(DmarcRuaHasValidUri(c["rua"].as<std::string>()),
              c["expect"]["rua_has_valid_uri"].as<bool>());
  } else {
    FAIL() << "unknown kind " << kind;
  }
}

std::vector<size_t> CaseIndexes() {
  std::vector<size_t> v(Cases().size());
  for (size_t i = 0; i < v.size(); ++i) v[i] = i;
  return v;
}

INSTANTIATE_TEST_SUITE_P(Cases, DmarcbisConformance, ::testing::ValuesIn(CaseIndexes()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           std::string name = Cases()[info.param]["id"].as<std::string>();
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

// The file is the one documented (178 cases, unique ids), and every skipped id exists in it.
TEST(DmarcbisConformanceData, EveryCaseLoadedAndSkipsNamed) {
  std::set<std::string> ids;
  for (const YAML::Node& c : Cases()) {
    EXPECT_TRUE(ids.insert(c["id"].as<std::string>()).second) << c["id"].as<std::string>();
  }
  EXPECT_EQ(ids.size(), 178u);
  for (const auto& [id, reason] : Skipped()) {
    EXPECT_TRUE(ids.count(id)) << "skip list names unknown case " << id;
    std::printf("skipped %s: %s\n", id.c_str(), reason.c_str());
  }
}

}  // namespace
}  // namespace mv
