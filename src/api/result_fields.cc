#include "api/result_fields.h"

#include <utility>

#include "report/json_lines.h"
#include "util/json_value.h"

namespace mv {
namespace {

// The parsed member `key` of the record, or a null value when the record has none.
JsonValue Member(const MessageRecord& record, std::string_view key) {
  for (const RecordMember& m : record.members) {
    if (m.key != key) continue;
    Result<JsonValue> value = JsonValue::Parse(m.json);
    if (value.ok()) return std::move(*value);
  }
  return JsonValue();
}

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kNone:
      return "none";
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kSoftFail:
      return "softfail";
    case Verdict::kNeutral:
      return "neutral";
    case Verdict::kPolicy:
      return "policy";
    case Verdict::kTempError:
      return "temperror";
    case Verdict::kPermError:
      return "permerror";
  }
  return "none";
}

Verdict ParseVerdict(std::string_view name) {
  for (Verdict v : {Verdict::kPass, Verdict::kFail, Verdict::kSoftFail, Verdict::kNeutral,
                    Verdict::kPolicy, Verdict::kTempError, Verdict::kPermError}) {
    if (VerdictName(v) == name) return v;
  }
  return Verdict::kNone;
}

VerifyResult ResultFromRecord(const MessageRecord& record) {
  VerifyResult result;
  AppendJsonLine(record, &result.json);
  if (!result.json.empty() && result.json.back() == '\n') result.json.pop_back();
  result.error = record.error;
  result.message_id = record.message_id;
  result.from = record.from;
  result.subject = record.subject;
  result.auth_results = record.auth_results.value_or("");

  const JsonValue dkim = Member(record, "dkim");
  for (const JsonValue& sig : dkim.items()) {
    DkimSignatureVerdict v;
    v.domain = sig["d"].AsString();
    v.selector = sig["s"].AsString();
    v.result = ParseVerdict(sig["result"].AsString());
    v.reason = sig["reason"].AsString();
    if (v.result == Verdict::kPass) result.dkim = Verdict::kPass;
    result.dkim_signatures.push_back(std::move(v));
  }
  if (result.dkim != Verdict::kPass && !result.dkim_signatures.empty()) {
    result.dkim = result.dkim_signatures.front().result;
  }
  result.spf = ParseVerdict(Member(record, "spf")["result"].AsString());
  const JsonValue dmarc = Member(record, "dmarc");
  result.dmarc = ParseVerdict(dmarc["result"].AsString());
  result.dmarc_policy = dmarc["applied"]["policy"].AsString();
  result.arc = ParseVerdict(Member(record, "arc")["result"].AsString());
  result.bounce = Member(record, "bounce").AsBool();
  return result;
}

}  // namespace mv
