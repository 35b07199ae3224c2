#include "evidence/run_manifest.h"

#include "report/mail_date.h"
#include "util/json_writer.h"

namespace mv {
namespace {

void WriteFacts(JsonWriter& w, const FileFacts& f) {
  w.BeginObject();
  w.Field("path", f.path);
  w.Field("size", f.size);
  w.Field("mtime_ns", f.mtime_ns);
  w.Key("sha256");
  if (f.sha256.empty()) {
    w.Null();
  } else {
    w.String(f.sha256);
  }
  if (!f.error.empty()) w.Field("error", f.error);
  if (f.changed_during_run) w.Field("changed_during_run", true);
  w.EndObject();
}

void WriteImapInput(JsonWriter& w, const ImapInputRead& in) {
  w.BeginObject();
  w.Field("url", in.url);
  w.Key("mailboxes").BeginArray();
  for (const ImapMailboxRead& m : in.mailboxes) {
    w.BeginObject();
    w.Field("mailbox", m.mailbox);
    w.Key("uidvalidity");
    if (m.uidvalidity) {
      w.Int(*m.uidvalidity);
    } else {
      w.Null();
    }
    w.Field("first_uid", static_cast<uint64_t>(m.first_uid));
    w.Field("last_uid", static_cast<uint64_t>(m.last_uid));
    w.Field("records", m.records);
    w.EndObject();
  }
  w.EndArray();
  w.Key("errors").BeginArray();
  for (const std::string& e : in.errors) w.String(e);
  w.EndArray();
  w.EndObject();
}

void WriteFactsList(JsonWriter& w, std::string_view key, const std::vector<FileFacts>& list) {
  w.Key(key).BeginArray();
  for (const FileFacts& f : list) WriteFacts(w, f);
  w.EndArray();
}

void WriteStrings(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
  w.Key(key).BeginArray();
  for (const std::string& s : items) w.String(s);
  w.EndArray();
}

}  // namespace

std::string ManifestJson(const RunManifest& m) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("manifest_version", 1);
  w.Key("program").BeginObject();
  w.Field("name", m.build.program);
  w.Field("version", m.build.version);
  w.Field("git_commit", m.build.git_commit);
  w.Field("build_type", m.build.build_type);
  w.Key("libraries").BeginObject();
  for (const auto& [name, version] : m.build.libraries) w.Field(name, version);
  w.EndObject();
  w.EndObject();
  WriteStrings(w, "command_line", m.command_line);
  w.Field("working_directory", m.working_directory);
  w.Key("options").Raw(m.options_json.empty() ? "{}" : m.options_json);
  WriteStrings(w, "replay_args", m.replay_args);
  WriteStrings(w, "input_args", m.input_args);
  w.Key("verification_time").BeginObject();
  w.Field("rule", m.time_rule);
  if (m.time_rule == "fixed") {
    w.Field("time", m.verification_time);
    w.Field("time_utc", FormatIso8601Utc(m.verification_time));
    w.Field("run_start", m.time_was_now);
  }
  w.EndObject();
  w.Field("host", m.host);
  w.Field("start_utc", FormatIso8601Utc(m.start_time));
  w.Field("end_utc", FormatIso8601Utc(m.end_time));
  w.Key("inputs").BeginArray();
  for (const FileFacts& f : m.inputs) WriteFacts(w, f);
  w.EndArray();
  w.Key("imap_inputs").BeginArray();
  for (const ImapInputRead& in : m.imap_inputs) WriteImapInput(w, in);
  w.EndArray();
  w.Key("dns_zones").BeginArray();
  for (const FileFacts& f : m.dns_zones) WriteFacts(w, f);
  w.EndArray();
  w.Key("keys");
  if (m.keys) {
    WriteFacts(w, *m.keys);
  } else {
    w.Null();
  }
  w.Key("key_trust").BeginObject();
  w.Key("default_compromised_keys");
  if (m.default_compromised_keys) {
    WriteFacts(w, *m.default_compromised_keys);
  } else {
    w.Null();
  }
  WriteFactsList(w, "compromised_keys", m.compromised_keys);
  WriteFactsList(w, "known_moduli", m.known_moduli);
  w.EndObject();
  w.Key("dns_record");
  if (m.dns_record) {
    WriteFacts(w, *m.dns_record);
  } else {
    w.Null();
  }
  w.Key("results").BeginObject();
  w.Field("path", m.results ? m.results->path : std::string("-"));
  w.Field("sha256", m.results_sha256);
  w.Field("records", m.records);
  w.Field("messages", m.messages);
  w.Field("message_errors", m.message_errors);
  w.Field("input_errors", m.input_errors);
  w.Field("message_sha256", m.message_hashes);
  w.Key("counters").BeginObject();
  for (const auto& [name, n] : m.counters) w.Field(name, n);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  out.push_back('\n');
  return out;
}

}  // namespace mv
