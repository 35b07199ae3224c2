#include "arc/arc_json.h"

namespace mv {
namespace {

void WriteCheck(const ArcSignatureCheck& c, JsonWriter* w) {
  w->BeginObject();
  w->Field("d", c.d).Field("s", c.s).Field("a", c.a);
  w->Field("result", !c.checked ? "not-checked" : c.pass ? "pass" : "fail");
  if (!c.reason.empty()) w->Field("reason", c.reason);
  if (c.temperror) w->Field("temperror", true);
  if (c.body_unavailable) w->Field("body", "unavailable");
  if (c.key_bits > 0) w->Field("key_bits", c.key_bits);
  if (!c.key_trust.empty()) {
    w->Field("key_trust", c.key_trust);
    w->Key("key_trust_detail").BeginArray();
    for (const std::string& d : c.key_trust_detail) w->String(d);
    w->EndArray();
  }
  w->EndObject();
}

}  // namespace

void WriteAuthResultsJson(const std::vector<AarResult>& results, JsonWriter* w) {
  w->BeginArray();
  for (const AarResult& res : results) {
    w->BeginObject();
    w->Field("method", res.method).Field("result", res.result);
    if (!res.reason.empty()) w->Field("reason", res.reason);
    w->Key("properties").BeginObject();
    for (const auto& [key, value] : res.properties) w->Field(key, value);
    w->EndObject();
    w->EndObject();
  }
  w->EndArray();
}

void WriteArcJson(const ArcResult& r, JsonWriter* w) {
  w->BeginObject();
  w->Field("result", ArcResultName(r.result));
  w->Field("instances", r.instances);
  w->Field("oldest_pass", r.oldest_pass);
  if (!r.reason.empty()) w->Field("reason", r.reason);
  if (r.temperror) w->Field("temperror", true);
  if (r.body_unavailable) w->Field("body_unavailable", true);
  w->Key("hops").BeginArray();
  for (const ArcHop& hop : r.hops) {
    w->BeginObject();
    w->Field("instance", hop.instance);
    w->Field("authserv_id", hop.authserv_id);
    w->Field("cv", hop.cv);
    w->Key("results");
    WriteAuthResultsJson(hop.results, w);
    w->Key("seal");
    WriteCheck(hop.seal, w);
    w->Key("message_signature");
    WriteCheck(hop.message_signature, w);
    w->EndObject();
  }
  w->EndArray();
  w->EndObject();
}

}  // namespace mv
