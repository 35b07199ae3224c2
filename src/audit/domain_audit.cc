#include "audit/domain_audit.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "dkim/dkim_key.h"
#include "dmarc/dmarc_record.h"
#include "dmarc/org_domain.h"
#include "spf/spf_record.h"

namespace mv {
namespace {

constexpr int kSpfLookupLimit = 10;  // RFC 7208 4.6.4
constexpr int kSpfVoidLimit = 2;
constexpr int kSpfMaxDepth = 20;  // a record chain deeper than this is a loop or abuse

// The TXT records at `name` that satisfy `is_record`, joined per record.
std::vector<std::string> TxtRecords(DnsResolver& dns, std::string_view name,
                                    bool (*is_record)(std::string_view), DnsStatus* status) {
  DnsAnswer answer = dns.Lookup(name, DnsType::kTxt);
  *status = answer.status;
  std::vector<std::string> out;
  for (const DnsRecord& r : answer.records) {
    if (r.type != DnsType::kTxt) continue;
    std::string text = r.JoinedTxt();
    if (is_record(text)) out.push_back(std::move(text));
  }
  return out;
}

bool IsVoid(DnsStatus s) {
  return s == DnsStatus::kNxDomain || s == DnsStatus::kNoData;
}

class SpfWalker {
 public:
  SpfWalker(DnsResolver& dns, SpfPosture* out) : dns_(dns), out_(out) {}

  // Walks the record of `domain`; `top` is the audited domain's own record.
  void Walk(const std::string& domain, int depth, bool top) {
    if (depth > kSpfMaxDepth || !visited_.insert(domain).second) {
      Problem("SPF loop or excessive nesting at " + domain);
      return;
    }
    DnsStatus status;
    std::vector<std::string> records = TxtRecords(dns_, domain, IsSpfRecord, &status);
    if (top) out_->found = !records.empty();
    if (records.empty()) {
      if (!top && IsVoid(status)) ++out_->void_lookups;
      Problem(status == DnsStatus::kTempError ? "SPF of " + domain + ": DNS temperror"
                                              : "no SPF record at " + domain);
      return;
    }
    if (records.size() > 1) Problem("several SPF records at " + domain + " (permerror)");
    const std::string& text = records.front();
    if (top) out_->record = text;
    Result<SpfRecord> parsed = ParseSpfRecord(text);
    if (!parsed.ok()) {
      Problem("SPF syntax at " + domain + ": " + parsed.error());
      return;
    }
    bool has_all = false;
    for (const SpfDirective& d : parsed->directives) {
      switch (d.mechanism) {
        case SpfMechanism::kAll:
          has_all = true;
          if (top) out_->all_qualifier = std::string(1, d.qualifier) + "all";
          if (d.qualifier == '+') Problem("+all at " + domain + ": any host may send");
          break;
        case SpfMechanism::kInclude:
          ++out_->lookups;
          if (Expandable(d.domain_spec)) Walk(Lower(d.domain_spec), depth + 1, false);
          break;
        case SpfMechanism::kA:
          ++out_->lookups;
          CheckTarget(d.domain_spec, domain, DnsType::kA);
          break;
        case SpfMechanism::kMx:
          ++out_->lookups;
          CheckTarget(d.domain_spec, domain, DnsType::kMx);
          break;
        case SpfMechanism::kPtr:
          ++out_->lookups;
          Problem("ptr mechanism at " + domain + " (RFC 7208 5.5: SHOULD NOT be used)");
          break;
        case SpfMechanism::kExists:
          ++out_->lookups;
          CheckTarget(d.domain_spec, domain, DnsType::kA);
          break;
        case SpfMechanism::kIp4:
        case SpfMechanism::kIp6:
          break;
      }
    }
    // RFC 7208 6.1: redirect is ignored when the record has an all mechanism.
    if (parsed->has_redirect && !has_all) {
      ++out_->lookups;
      if (Expandable(parsed->redirect)) {
        const std::string target = Lower(parsed->redirect);
        if (top) out_->all_qualifier = "redirect=" + target;
        Walk(target, depth + 1, false);
      }
    }
  }

  void Finish() {
    if (out_->lookups > kSpfLookupLimit) {
      Problem("over the lookup limit: " + std::to_string(out_->lookups) + " DNS lookups (max " +
              std::to_string(kSpfLookupLimit) + ", permerror)");
    }
    if (out_->void_lookups > kSpfVoidLimit) {
      Problem(std::to_string(out_->void_lookups) + " void lookups (max " +
              std::to_string(kSpfVoidLimit) + ", permerror)");
    } else if (out_->void_lookups > 0) {
      Problem(std::to_string(out_->void_lookups) + " void lookup(s)");
    }
  }

 private:
  static std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!out.empty() && out.back() == '.') out.pop_back();
    return out;
  }

  // A domain-spec with macros depends on the sender and client; it is counted but not followed.
  bool Expandable(std::string_view spec) {
    if (spec.find('%') == std::string_view::npos) return true;
    Problem("macro domain-spec '" + std::string(spec) + "' not followed (depends on the sender)");
    return false;
  }

  void CheckTarget(std::string_view spec, const std::string& domain, DnsType type) {
    const std::string target = spec.empty() ? domain : Lower(spec);
    if (!spec.empty() && !Expandable(spec)) return;
    DnsAnswer answer = dns_.Lookup(target, type);
    if (IsVoid(answer.status)) ++out_->void_lookups;
  }

  void Problem(std::string text) {
    if (std::find(out_->problems.begin(), out_->problems.end(), text) == out_->problems.end()) {
      out_->problems.push_back(std::move(text));
    }
  }

  DnsResolver& dns_;
  SpfPosture* out_;
  std::set<std::string> visited_;
};

DmarcPosture AuditDmarc(std::string_view domain, DnsResolver& dns) {
  DmarcPosture out;
  std::vector<std::string> names = {"_dmarc." + std::string(domain)};
  const std::string org = OrganizationalDomain(domain);
  if (!org.empty() && org != domain) names.push_back("_dmarc." + org);
  for (const std::string& name : names) {
    DnsStatus status;
    std::vector<std::string> records = TxtRecords(dns, name, IsDmarcRecord, &status);
    if (records.empty()) continue;
    out.found = true;
    out.record = records.front();
    out.record_domain = name.substr(7);
    if (records.size() > 1) out.problems.push_back("several DMARC records at " + name);
    Result<DmarcRecord> parsed = ParseDmarcRecord(out.record);
    if (!parsed.ok()) {
      out.problems.push_back("DMARC record unusable: " + parsed.error());
      return out;
    }
    out.policy = parsed->policy;
    out.subdomain_policy =
        parsed->subdomain_policy.empty() ? parsed->policy : parsed->subdomain_policy;
    out.pct = parsed->pct;
    out.rua = parsed->rua;
    if (out.policy == "none") out.problems.push_back("p=none: failing mail is not rejected");
    if (out.pct < 100) out.problems.push_back("pct=" + std::to_string(out.pct));
    if (out.rua.empty()) out.problems.push_back("no rua: no aggregate reports");
    for (const std::string& w : parsed->warnings) out.problems.push_back(w);
    return out;
  }
  out.problems.push_back("no DMARC record");
  return out;
}

void AuditKey(DnsResolver& dns, SelectorUse* use) {
  if (use->a == "rsa-sha1") use->problems.push_back("rsa-sha1 signatures (RFC 8301)");
  if (use->key_bits > 0 && use->key_bits < 1024 && use->a.rfind("rsa", 0) == 0) {
    use->problems.push_back("RSA key of " + std::to_string(use->key_bits) +
                            " bits (under 1024, RFC 8301)");
  } else if (use->key_bits > 0 && use->key_bits < 2048 && use->a.rfind("rsa", 0) == 0) {
    use->problems.push_back("weak RSA key of " + std::to_string(use->key_bits) + " bits");
  }
  if (use->untrusted_passes > 0) {
    use->problems.push_back(
        "passes made with a key others can hold: " + std::to_string(use->untrusted_passes) +
        " (key_trust " + use->key_trust + ")");
  }
  DnsAnswer answer = dns.Lookup(use->s + "._domainkey." + use->d, DnsType::kTxt);
  if (answer.status == DnsStatus::kTempError || answer.status == DnsStatus::kPermError) {
    use->key_now = "temperror";
    return;
  }
  if (!answer.ok() || answer.records.empty()) {
    use->key_now = "missing";
    use->problems.push_back("key missing from DNS now");
    return;
  }
  DkimKeyParse parse = ParseDkimKeyRecord(answer.records.front().JoinedTxt());
  if (parse.reason == DkimReason::kOk && parse.key) {
    use->key_now = "ok";
    use->key_now_bits = parse.key->bits;
    if (use->key_bits > 0 && parse.key->bits != use->key_bits) {
      use->problems.push_back("key changed since (now " + std::to_string(parse.key->bits) +
                              " bits)");
    }
  } else if (parse.reason == DkimReason::kKeyRevoked) {
    use->key_now = "revoked";
    use->problems.push_back("key revoked (empty p=)");
  } else {
    use->key_now = "syntax";
    use->problems.push_back("key record unusable: " + parse.detail);
  }
}

void StringArray(JsonWriter* j, std::string_view key, const std::vector<std::string>& items) {
  j->Key(key).BeginArray();
  for (const std::string& s : items) j->String(s);
  j->EndArray();
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

}  // namespace

SpfPosture AuditSpf(std::string_view domain, DnsResolver& dns) {
  SpfPosture out;
  SpfWalker walker(dns, &out);
  walker.Walk(std::string(domain), 0, true);
  walker.Finish();
  return out;
}

DomainPosture AuditDomain(std::string_view domain, DnsResolver& dns,
                          std::vector<SelectorUse> selectors) {
  DomainPosture out;
  out.domain = std::string(domain);
  DnsAnswer mx = dns.Lookup(domain, DnsType::kMx);
  out.mx_status = std::string(DnsStatusName(mx.status));
  std::vector<const DnsRecord*> hosts;
  for (const DnsRecord& r : mx.records) {
    if (r.type == DnsType::kMx) hosts.push_back(&r);
  }
  std::stable_sort(hosts.begin(), hosts.end(), [](const DnsRecord* a, const DnsRecord* b) {
    return a->preference < b->preference;
  });
  for (const DnsRecord* r : hosts)
    out.mx.push_back(std::to_string(r->preference) + " " + r->target);
  out.spf = AuditSpf(domain, dns);
  out.dmarc = AuditDmarc(domain, dns);
  out.selectors = std::move(selectors);
  for (SelectorUse& use : out.selectors) AuditKey(dns, &use);
  return out;
}

void WriteDomainPostureJson(const DomainPosture& p, JsonWriter* j) {
  j->BeginObject();
  j->Field("domain", p.domain);
  j->Field("messages", p.messages);
  j->Field("first_date", p.first_date).Field("last_date", p.last_date);
  StringArray(j, "mx", p.mx);
  j->Field("mx_status", p.mx_status);
  j->Key("spf").BeginObject();
  j->Field("found", p.spf.found).Field("record", p.spf.record);
  j->Field("all", p.spf.all_qualifier);
  j->Field("lookups", p.spf.lookups).Field("void_lookups", p.spf.void_lookups);
  StringArray(j, "problems", p.spf.problems);
  j->EndObject();
  j->Key("dmarc").BeginObject();
  j->Field("found", p.dmarc.found).Field("record", p.dmarc.record);
  j->Field("record_domain", p.dmarc.record_domain);
  j->Field("p", p.dmarc.policy).Field("sp", p.dmarc.subdomain_policy).Field("pct", p.dmarc.pct);
  StringArray(j, "rua", p.dmarc.rua);
  StringArray(j, "problems", p.dmarc.problems);
  j->EndObject();
  j->Key("dkim").BeginArray();
  for (const SelectorUse& s : p.selectors) {
    j->BeginObject();
    j->Field("d", s.d).Field("s", s.s).Field("a", s.a).Field("key_bits", s.key_bits);
    j->Field("first_date", s.first_date).Field("last_date", s.last_date);
    j->Field("signatures", s.signatures).Field("passes", s.passes);
    j->Field("untrusted_passes", s.untrusted_passes).Field("key_trust", s.key_trust);
    j->Field("key_now", s.key_now).Field("key_now_bits", s.key_now_bits);
    StringArray(j, "problems", s.problems);
    j->EndObject();
  }
  j->EndArray();
  j->EndObject();
}

std::string FormatDomainPostures(const std::vector<DomainPosture>& postures) {
  std::string out;
  char line[512];
  for (const DomainPosture& p : postures) {
    out += p.domain;
    if (p.messages > 0) {
      out += "  (" + std::to_string(p.messages) + " messages, " + p.first_date + " .. " +
             p.last_date + ")";
    }
    out += "\n";
    out += "  MX     " + (p.mx.empty() ? "none (" + p.mx_status + ")" : Join(p.mx, ", ")) + "\n";
    if (p.spf.found) {
      std::snprintf(line, sizeof line, "  lookups %d/10, void %d, all %s\n", p.spf.lookups,
                    p.spf.void_lookups,
                    p.spf.all_qualifier.empty() ? "(none)" : p.spf.all_qualifier.c_str());
      out += "  SPF    " + p.spf.record + line;
    } else {
      out += "  SPF    none\n";
    }
    for (const std::string& problem : p.spf.problems) out += "         ! " + problem + "\n";
    if (p.dmarc.found) {
      out += "  DMARC  p=" + p.dmarc.policy + " sp=" + p.dmarc.subdomain_policy +
             " pct=" + std::to_string(p.dmarc.pct) +
             " rua=" + (p.dmarc.rua.empty() ? "-" : Join(p.dmarc.rua, ",")) + "  (at _dmarc." +
             p.dmarc.record_domain + ")\n";
    } else {
      out += "  DMARC  none\n";
    }
    for (const std::string& problem : p.dmarc.problems) out += "         ! " + problem + "\n";
    if (p.selectors.empty()) out += "  DKIM   no signatures seen\n";
    for (const SelectorUse& s : p.selectors) {
      std::snprintf(line, sizeof line,
                    " bits  %lld sigs, %lld pass, key now: ", static_cast<long long>(s.signatures),
                    static_cast<long long>(s.passes));
      out += "  DKIM   " + s.s + "._domainkey." + s.d + "  " + s.a + " " +
             std::to_string(s.key_bits) + line + s.key_now + "  " + s.first_date + " .. " +
             s.last_date + "\n";
      for (const std::string& problem : s.problems) out += "         ! " + problem + "\n";
    }
    out += "\n";
  }
  return out;
}

}  // namespace mv
