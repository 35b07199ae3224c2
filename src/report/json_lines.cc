#include "report/json_lines.h"

#include "report/record_format.h"
#include "util/json_value.h"
#include "util/json_writer.h"

namespace mv {
namespace {

void OptionalField(JsonWriter& w, std::string_view key, const std::optional<std::string>& value) {
  w.Key(key);
  if (value) {
    w.String(*value);
  } else {
    w.Null();
  }
}

// The store's own facts about the message (raw_message.h), only those it has.
void AppendStoreFields(JsonWriter& w, const Provenance& p) {
  if (!p.source_format.empty()) w.Field("source_format", p.source_format);
  if (!p.folder.empty()) w.Field("folder", p.folder);
  if (!p.mime.empty()) w.Field("mime", p.mime);
  if (p.received_at) {
    w.Field("received_at", *p.received_at);
    if (!p.received_at_source.empty()) w.Field("received_at_source", p.received_at_source);
  }
  if (!p.labels.empty()) {
    w.Key("labels").BeginArray();
    for (const std::string& label : p.labels) w.String(label);
    w.EndArray();
  }
  if (p.uid) w.Field("uid", static_cast<uint64_t>(*p.uid));
  if (p.uidvalidity) w.Field("uidvalidity", static_cast<uint64_t>(*p.uidvalidity));
  if (!p.gmail_thread_id.empty()) w.Field("gmail_thread_id", p.gmail_thread_id);
}

// The inverse of AppendStoreFields, so that a merged record is written exactly as it was read.
void ReadStoreFields(const JsonValue& doc, Provenance* p) {
  const auto text = [&doc](std::string_view key) {
    const JsonValue* v = doc.Find(key);
    return v != nullptr && v->is_string() ? v->AsString() : std::string();
  };
  p->source_format = text("source_format");
  p->folder = text("folder");
  p->mime = text("mime");
  if (const JsonValue* v = doc.Find("received_at"); v != nullptr && !v->is_null()) {
    p->received_at = v->AsInt();
    p->received_at_source = text("received_at_source");
  }
  if (const JsonValue* v = doc.Find("labels"); v != nullptr && v->is_array()) {
    for (const JsonValue& label : v->items()) p->labels.push_back(label.AsString());
  }
  if (const JsonValue* v = doc.Find("uid"); v != nullptr && !v->is_null()) {
    p->uid = static_cast<uint32_t>(v->AsInt());
  }
  if (const JsonValue* v = doc.Find("uidvalidity"); v != nullptr && !v->is_null()) {
    p->uidvalidity = static_cast<uint32_t>(v->AsInt());
  }
  p->gmail_thread_id = text("gmail_thread_id");
}

}  // namespace

void AppendJsonLine(const MessageRecord& r, std::string* out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Field("schema_version", kRecordSchemaVersion);
  w.Field("source", r.provenance.source);
  if (r.input_error) {
    w.Field("input_error", true);
    // What the input was taken for, so a failed PST is told from a failed mbox without parsing
    // `error`; "unknown" when it failed before its format was known (unreadable path, empty read).
    w.Field("source_format",
            r.provenance.source_format.empty() ? "unknown" : r.provenance.source_format);
    w.Field("error", r.error);
    w.EndObject();
    out->push_back('\n');
    return;
  }
  w.Field("index", r.provenance.index);
  w.Field("offset", r.provenance.offset);
  w.Field("size", r.provenance.size);
  AppendStoreFields(w, r.provenance);
  OptionalField(w, "message_id", r.message_id);
  OptionalField(w, "from", r.from);
  OptionalField(w, "subject", r.subject);
  OptionalField(w, "date", r.date);
  if (r.date_raw) w.Field("date_raw", *r.date_raw);
  if (!r.error.empty()) w.Field("error", r.error);
  for (const RecordMember& m : r.members) w.Key(m.key).Raw(m.json);
  w.EndObject();
  out->push_back('\n');
}

Result<MessageRecord> RecordFromJsonLine(std::string_view line) {
  Result<JsonValue> doc = JsonValue::Parse(line);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object()) return Status::Error("a record must be a JSON object");
  MessageRecord r;
  const auto optional = [&doc](std::string_view key) -> std::optional<std::string> {
    const JsonValue* v = doc->Find(key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return v->AsString();
  };
  r.provenance.source = (*doc)["source"].AsString();
  r.input_error = (*doc)["input_error"].AsBool();
  r.error = (*doc)["error"].AsString();
  if (r.input_error) {
    if (const JsonValue* v = doc->Find("source_format"); v != nullptr && v->is_string()) {
      r.provenance.source_format = v->AsString();
    }
    return r;
  }
  r.provenance.index = static_cast<uint64_t>((*doc)["index"].AsInt());
  r.provenance.offset = static_cast<uint64_t>((*doc)["offset"].AsInt());
  r.provenance.size = static_cast<uint64_t>((*doc)["size"].AsInt());
  ReadStoreFields(*doc, &r.provenance);
  r.message_id = optional("message_id");
  r.from = optional("from");
  r.subject = optional("subject");
  r.date = optional("date");
  r.date_raw = optional("date_raw");
  // Everything after the basic fields is a check's member, kept as serialised JSON in its order.
  // schema_version is not kept: AppendJsonLine writes the current one.
  static constexpr std::string_view kBasic[] = {
      "schema_version", "source", "index",       "offset",      "size",
      "source_format",  "folder", "mime",        "received_at", "received_at_source",
      "labels",         "uid",    "uidvalidity", "message_id",  "from",
      "subject",        "date",   "date_raw",    "error",       "gmail_thread_id"};
  for (const auto& [key, value] : doc->members()) {
    bool basic = false;
    for (std::string_view b : kBasic) basic = basic || key == b;
    if (basic) continue;
    std::string json;
    JsonWriter w(&json);
    WriteJsonValue(value, &w);
    if (key == "auth_results" && value.is_string()) r.auth_results = value.AsString();
    r.AddMember(key, std::move(json));
  }
  return r;
}

}  // namespace mv
