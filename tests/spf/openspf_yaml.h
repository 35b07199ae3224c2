// Reads test files in the OpenSPF suite's format (a YAML stream of scenarios, each with its own
// `zonedata` and `tests`) and runs them against SpfEvaluator with the zone in a MemoryDnsSource,
// the way the suite's reference driver (pyspf test/testspf.py) serves it. Shared by the copied
// RFC 7208 suite and mailverify's own limit cases (tests/spf/cases/limits.yml).
#pragma once

#include <yaml-cpp/yaml.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dns/memory_source.h"
#include "spf/spf_evaluator.h"

namespace mv::openspf {

// Every scalar is read as a string: IPs and names must never become numbers.
inline std::string Str(const YAML::Node& n) {
  return n.as<std::string>();
}

inline std::vector<std::string> Strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n.IsSequence()) {
    for (const YAML::Node& s : n) out.push_back(Str(s));
  } else {
    out.push_back(Str(n));
  }
  return out;
}

// Loads one owner name's entries. The reference driver walks the list in order: a bare TIMEOUT
// makes every type not yet seen time out and hides what follows; SPF records are copied to TXT
// (after all other entries) unless the name has a TXT entry of its own, `TXT: NONE` included.
inline void LoadName(const std::string& name, const YAML::Node& entries, MemoryDnsSource* dns) {
  std::set<DnsType> seen;
  bool has_txt = false;
  std::vector<std::vector<std::string>> spf;
  for (const YAML::Node& e : entries) {
    if (e.IsMap() && e["TXT"]) has_txt = true;
  }
  for (const YAML::Node& e : entries) {
    if (e.IsScalar() && Str(e) == "TIMEOUT") {
      for (DnsType t : {DnsType::kA, DnsType::kAaaa, DnsType::kMx, DnsType::kTxt, DnsType::kPtr,
                        DnsType::kCname}) {
        if (!seen.count(t)) dns->SetFailure(name, DnsStatus::kTempError, false, t);
      }
      return;  // the generated TXT records come after TIMEOUT, so they are never served
    }
    ASSERT_TRUE(e.IsMap()) << name;
    for (const auto& kv : e) {
      const std::string type = Str(kv.first);
      const YAML::Node& v = kv.second;
      DnsRecord r;
      if (type == "SPF") {
        spf.push_back(v.IsNull() ? std::vector<std::string>{} : Strings(v));
        continue;
      }
      if (type == "TXT") {
        if (v.IsScalar() && Str(v) == "NONE") continue;  // not a record: does not stop TIMEOUT
        seen.insert(DnsType::kTxt);
        dns->AddTxt(name, Strings(v));
      } else if (type == "A" || type == "AAAA") {
        seen.insert(type == "A" ? DnsType::kA : DnsType::kAaaa);
        dns->AddAddress(name, Str(v));
      } else if (type == "MX") {
        seen.insert(DnsType::kMx);
        r.type = DnsType::kMx;
        r.preference = static_cast<uint16_t>(std::stoi(Str(v[0])));
        r.target = Str(v[1]);
        dns->Add(name, r);
      } else if (type == "PTR") {
        seen.insert(DnsType::kPtr);
        r.type = DnsType::kPtr;
        r.target = Str(v);
        dns->Add(name, r);
      } else if (type == "CNAME") {
        seen.insert(DnsType::kCname);
        dns->AddCname(name, Str(v));
      } else {
        ADD_FAILURE() << "unknown record type " << type << " at " << name;
      }
    }
  }
  if (!has_txt) {
    for (std::vector<std::string>& s : spf) dns->AddTxt(name, std::move(s));
  }
}

struct SuiteCounts {
  int total = 0;
  int passed = 0;
};

// Runs every test of every scenario in `path`; each wrong result is one test failure naming the
// test id. Results other than the suite's preferred one (but allowed) are printed as notes.
inline SuiteCounts RunSuiteFile(const std::string& path) {
  SuiteCounts counts;
  std::vector<YAML::Node> scenarios = YAML::LoadAllFromFile(path);
  for (const YAML::Node& scenario : scenarios) {
    MemoryDnsSource dns;
    for (const auto& zone : scenario["zonedata"]) LoadName(Str(zone.first), zone.second, &dns);
    SpfEvaluatorOptions options;
    options.default_explanation = "DEFAULT";
    options.now = 1700000000;
    SpfEvaluator evaluator(&dns, options);
    for (const auto& t : scenario["tests"]) {
      const std::string id = Str(t.first);
      const YAML::Node& test = t.second;
      ++counts.total;
      const std::string helo = Str(test["helo"]);
      const std::string mailfrom = Str(test["mailfrom"]);
      std::optional<IpAddress> ip = IpAddress::Parse(Str(test["host"]));
      if (!ip) {
        ADD_FAILURE() << id << ": bad host";
        continue;
      }
      SpfRequest request;
      request.ip = *ip;
      request.helo = helo;
      if (mailfrom.empty()) {
        request.sender = "postmaster@" + helo;
        request.domain = helo;
      } else {
        request.sender = mailfrom;
        size_t at = mailfrom.rfind('@');
        request.domain = at == std::string::npos ? mailfrom : mailfrom.substr(at + 1);
      }
      SpfVerdict v = evaluator.CheckHost(request);
      const std::vector<std::string> expected = Strings(test["result"]);
      const std::string got(SpfResultName(v.result));
      bool ok = std::find(expected.begin(), expected.end(), got) != expected.end();
      std::string detail;
      if (test["explanation"] && v.explanation != Str(test["explanation"])) {
        ok = false;
        detail =
            " explanation \"" + v.explanation + "\" expected \"" + Str(test["explanation"]) + "\"";
      }
      if (ok) {
        ++counts.passed;
        if (got != expected.front()) {
          // Allowed, but not the suite's preferred answer (the reference driver warns about it).
          std::printf("note: %s gives %s; the suite prefers %s\n", id.c_str(), got.c_str(),
                      expected.front().c_str());
        }
      } else {
        ADD_FAILURE() << id << " (" << Str(scenario["description"]) << "): got " << got
                      << " expected " << expected.front() << detail << "; reason: " << v.reason;
      }
    }
  }
  return counts;
}

}  // namespace mv::openspf
