#include "dmarc/dmarc_json.h"

namespace mv {

void WriteDmarcJson(const DmarcResult& r, JsonWriter* w) {
  const bool bis = r.rules == DmarcRules::kRfc9989;
  w->BeginObject();
  w->Field("result", DmarcResultName(r.result));
  w->Field("rules", DmarcRulesName(r.rules));
  // RFC 9989 finds policies and organizational domains by the DNS Tree Walk; RFC 7489 by the PSL.
  w->Field("discovery_method", bis ? "treewalk" : "psl");
  w->Field("from_count", static_cast<int64_t>(r.from_count));
  if (!r.from_domain.empty()) {
    w->Field("domain", r.from_domain);
    if (!r.org_domain.empty()) w->Field("org_domain", r.org_domain);
  }
  if (r.record) {
    const DmarcRecord& rec = *r.record;
    w->Field("policy_domain", r.policy_domain);
    if (!r.policy.empty()) w->Field("policy", r.policy);
    w->Field("testing", r.testing);
    if (rec.applicability != DmarcApplicability::kNoProcessing) {
      w->Field("p", rec.policy);
      w->Field("subdomain_policy", rec.EffectiveSubdomainPolicy());
      if (!rec.nonexistent_policy.empty()) w->Field("nonexistent_policy", rec.nonexistent_policy);
      w->Key("applied").BeginObject();
      w->Field("tag", r.applied_tag);
      w->Field("policy", r.applied_policy);
      w->EndObject();
    }
    w->Field("disposition", r.disposition);
    if (bis) {
      w->Field("psd", std::string(1, rec.psd));
    } else {
      w->Field("pct", rec.pct);
      if (r.result == DmarcResultCode::kFail) w->Field("sampled", r.sampled);
    }
    w->Field("adkim", rec.strict_dkim ? "s" : "r");
    w->Field("aspf", rec.strict_spf ? "s" : "r");
    w->Field("dkim_aligned", r.dkim_aligned);
    if (r.dkim_aligned) w->Field("dkim_aligned_domain", r.aligned_dkim_domain);
    w->Field("spf_aligned", r.spf_aligned);
    w->Key("rua").BeginArray();
    for (const std::string& u : rec.rua) w->String(u);
    w->EndArray();
    w->Key("ruf").BeginArray();
    for (const std::string& u : rec.ruf) w->String(u);
    w->EndArray();
    w->Field("fo", rec.fo);
    if (!bis) {
      w->Field("rf", rec.rf);
      w->Field("ri", static_cast<int64_t>(rec.ri));
    }
    w->Field("record", r.record_text);
    // Tags the record carries that these rules do not know (RFC 9989 removed pct, rf and ri), so a
    // reader sees that e.g. pct=0 had no effect.
    if (!rec.ignored_tags.empty()) {
      w->Key("ignored_tags").BeginArray();
      for (const std::string& t : rec.ignored_tags) w->String(t);
      w->EndArray();
    }
    if (!rec.warnings.empty()) {
      w->Key("warnings").BeginArray();
      for (const std::string& s : rec.warnings) w->String(s);
      w->EndArray();
    }
  } else {
    w->Field("disposition", r.disposition);
    if (!r.record_text.empty()) w->Field("record", r.record_text);
  }
  if (!r.identifier_org_domains.empty()) {
    // RFC 9989 4.10.2: the organizational domain each identifier's own walk found.
    w->Key("identifier_org_domains").BeginObject();
    for (const auto& [name, org] : r.identifier_org_domains) w->Field(name, org);
    w->EndObject();
  }
  if (!r.reason.empty()) w->Field("reason", r.reason);
  w->EndObject();
}

}  // namespace mv
