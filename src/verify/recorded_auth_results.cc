#include "verify/recorded_auth_results.h"

#include "arc/arc_fields.h"
#include "arc/arc_json.h"
#include "util/json_writer.h"

namespace mv {

std::string RecordedAuthResultsJson(const HeaderIndex& headers) {
  const std::vector<const HeaderField*> fields = headers.All("Authentication-Results");
  if (fields.empty()) return {};
  std::string out;
  JsonWriter json(&out);
  json.BeginArray();
  for (size_t k = 0; k < fields.size() && k < kMaxRecordedAuthResults; ++k) {
    json.BeginObject();
    Result<ArcAuthResults> parsed = ParseAuthResultsPayload(fields[k]->value);
    if (parsed.ok()) {
      json.Field("authserv_id", parsed->authserv_id).Key("results");
      WriteAuthResultsJson(parsed->results, &json);
    } else {
      json.Field("error", "Authentication-Results " + parsed.status().message());
    }
    json.EndObject();
  }
  json.EndArray();
  return out;
}

}  // namespace mv
