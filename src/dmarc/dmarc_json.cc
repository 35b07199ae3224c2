#include "dmarc/dmarc_json.h"

namespace mv {

void WriteDmarcJson(const DmarcResult& r, JsonWriter* w) {
  w->BeginObject();
  w->Field("result", DmarcResultName(r.result));
  if (!r.from_domain.empty()) {
    w->Field("domain", r.from_domain);
    w->Field("org_domain", r.org_domain);
  }
  if (r.record) {
    const DmarcRecord& rec = *r.record;
    w->Field("policy_domain", r.policy_domain);
    w->Field("policy", rec.policy);
    w->Field("subdomain_policy", rec.subdomain_policy.empty() ? rec.policy : rec.subdomain_policy);
    if (!rec.nonexistent_policy.empty()) w->Field("nonexistent_policy", rec.nonexistent_policy);
    w->Key("applied").BeginObject();
    w->Field("tag", r.applied_tag);
    w->Field("policy", r.applied_policy);
    w->EndObject();
    w->Field("disposition", r.disposition);
    w->Field("pct", rec.pct);
    if (r.result == DmarcResultCode::kFail) w->Field("sampled", r.sampled);
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
    w->Field("rf", rec.rf);
    w->Field("ri", static_cast<int64_t>(rec.ri));
    w->Field("record", r.record_text);
    if (!rec.warnings.empty()) {
      w->Key("warnings").BeginArray();
      for (const std::string& s : rec.warnings) w->String(s);
      w->EndArray();
    }
  } else {
    w->Field("disposition", r.disposition);
    if (!r.record_text.empty()) w->Field("record", r.record_text);
  }
  if (!r.reason.empty()) w->Field("reason", r.reason);
  w->EndObject();
}

}  // namespace mv
