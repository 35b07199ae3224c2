#include "report/json_lines.h"

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

}  // namespace

void AppendJsonLine(const MessageRecord& r, std::string* out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Field("source", r.provenance.source);
  if (r.input_error) {
    w.Field("input_error", true);
    w.Field("error", r.error);
    w.EndObject();
    out->push_back('\n');
    return;
  }
  w.Field("index", r.provenance.index);
  w.Field("offset", r.provenance.offset);
  w.Field("size", r.provenance.size);
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

}  // namespace mv
