#include "scaleout/shard_plan.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "archive/directory_walker.h"
#include "scaleout/sha256.h"
#include "util/json_value.h"
#include "util/json_writer.h"

namespace mv {
namespace {

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

const char* RoleName(PlannedDnsFile::Role role) {
  return role == PlannedDnsFile::Role::kZone ? "zone" : "keys";
}

// Field accessors that turn a malformed plan into one readable error.
struct Reader {
  std::string error;
  const JsonValue* Get(const JsonValue& obj, std::string_view key, JsonValue::Type type) {
    const JsonValue* v = obj.Find(key);
    if (v == nullptr || v->type() != type) {
      if (error.empty()) error = "plan: missing or mistyped \"" + std::string(key) + "\"";
      return nullptr;
    }
    return v;
  }
  int64_t Int(const JsonValue& obj, std::string_view key) {
    const JsonValue* v = Get(obj, key, JsonValue::Type::kNumber);
    if (v != nullptr && !v->is_integer() && error.empty()) {
      error = "plan: \"" + std::string(key) + "\" is not an integer";
    }
    return v ? v->AsInt() : 0;
  }
  uint64_t Uint(const JsonValue& obj, std::string_view key) {
    const int64_t v = Int(obj, key);
    if (v < 0 && error.empty()) error = "plan: negative \"" + std::string(key) + "\"";
    return static_cast<uint64_t>(v);
  }
  std::string Str(const JsonValue& obj, std::string_view key) {
    const JsonValue* v = Get(obj, key, JsonValue::Type::kString);
    return v ? v->AsString() : std::string();
  }
  bool Bool(const JsonValue& obj, std::string_view key) {
    const JsonValue* v = Get(obj, key, JsonValue::Type::kBool);
    return v ? v->AsBool() : false;
  }
  const std::vector<JsonValue>& Array(const JsonValue& obj, std::string_view key) {
    static const std::vector<JsonValue> kEmpty;
    const JsonValue* v = Get(obj, key, JsonValue::Type::kArray);
    return v ? v->items() : kEmpty;
  }
  std::optional<uint64_t> OptionalUint(const JsonValue& obj, std::string_view key) {
    const JsonValue* v = obj.Find(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    return Uint(obj, key);
  }
};

}  // namespace

std::optional<uint64_t> Shard::messages() const {
  uint64_t total = 0;
  for (const ShardPiece& p : pieces) {
    if (!p.messages) return std::nullopt;
    total += *p.messages;
  }
  return total;
}

std::vector<InputSpec> ShardPlan::InputSpecs(size_t s) const {
  std::vector<InputSpec> specs;
  for (const ShardPiece& p : shards[s].pieces) {
    specs.push_back(InputSpec{inputs[p.input].path, p.begin, p.end, p.first_index});
  }
  return specs;
}

bool ShardPlan::SnapshotPending() const {
  for (const PlannedDnsFile& f : dns_files) {
    if (f.sha256.empty()) return true;
  }
  return false;
}

std::string PlanToJson(const ShardPlan& plan) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("mailverify_plan", ShardPlan::kVersion).Field("workdir", plan.workdir);
  const PlannedVerification& v = plan.verification;
  w.Key("verification").BeginObject();
  w.Field("at", v.at).Field("at_received", v.at_received).Field("strict", v.strict);
  w.Field("max_signatures", v.max_signatures).Field("authserv_id", v.authserv_id);
  w.Key("receivers").BeginArray();
  for (const std::string& r : v.receivers) w.String(r);
  w.EndArray().EndObject();
  w.Key("argv").BeginArray();
  for (const std::string& a : plan.argv) w.String(a);
  w.EndArray();
  w.Key("dns").BeginArray();
  for (const PlannedDnsFile& f : plan.dns_files) {
    w.BeginObject().Field("role", RoleName(f.role)).Field("path", f.path);
    w.Key("sha256");
    if (f.sha256.empty())
      w.Null();
    else
      w.String(f.sha256);
    w.EndObject();
  }
  w.EndArray();
  // One input or shard per line keeps a plan of thousands of shards readable and diffable.
  out += ",\n\"inputs\":[";
  for (size_t i = 0; i < plan.inputs.size(); ++i) {
    const PlannedInput& in = plan.inputs[i];
    std::string line;
    JsonWriter l(&line);
    l.BeginObject().Field("path", in.path).Field("directory", in.directory);
    l.Field("splittable", in.splittable).Field("size", in.size).Field("mtime_ns", in.mtime_ns);
    l.Key("messages");
    if (in.messages)
      l.Uint(*in.messages);
    else
      l.Null();
    l.EndObject();
    out += (i ? ",\n" : "\n") + line;
  }
  out += "],\n\"shards\":[";
  for (size_t s = 0; s < plan.shards.size(); ++s) {
    const Shard& shard = plan.shards[s];
    std::string line;
    JsonWriter l(&line);
    l.BeginObject().Field("shard", static_cast<uint64_t>(s)).Field("bytes", shard.bytes);
    l.Key("pieces").BeginArray();
    for (const ShardPiece& p : shard.pieces) {
      l.BeginObject().Field("input", static_cast<uint64_t>(p.input)).Field("begin", p.begin);
      l.Key("end");
      if (p.end == UINT64_MAX)
        l.Null();
      else
        l.Uint(p.end);
      l.Field("first_index", p.first_index).Key("messages");
      if (p.messages)
        l.Uint(*p.messages);
      else
        l.Null();
      l.EndObject();
    }
    l.EndArray().EndObject();
    out += (s ? ",\n" : "\n") + line;
  }
  out += "]}\n";
  return out;
}

Result<ShardPlan> PlanFromJson(std::string_view json) {
  Result<JsonValue> doc = JsonValue::Parse(json);
  if (!doc.ok()) return Status::Error("plan: " + doc.error());
  Reader r;
  ShardPlan plan;
  if (r.Int(*doc, "mailverify_plan") != ShardPlan::kVersion) {
    return Status::Error(r.error.empty() ? "plan: unsupported version" : r.error);
  }
  plan.workdir = r.Str(*doc, "workdir");
  for (const JsonValue& a : r.Array(*doc, "argv")) plan.argv.push_back(a.AsString());
  if (const JsonValue* v = r.Get(*doc, "verification", JsonValue::Type::kObject)) {
    PlannedVerification& pv = plan.verification;
    pv.at = r.Int(*v, "at");
    pv.at_received = r.Bool(*v, "at_received");
    pv.strict = r.Bool(*v, "strict");
    pv.max_signatures = r.Uint(*v, "max_signatures");
    pv.authserv_id = r.Str(*v, "authserv_id");
    for (const JsonValue& s : r.Array(*v, "receivers")) pv.receivers.push_back(s.AsString());
  }
  for (const JsonValue& d : r.Array(*doc, "dns")) {
    PlannedDnsFile f;
    const std::string role = r.Str(d, "role");
    f.role = role == "keys" ? PlannedDnsFile::Role::kKeys : PlannedDnsFile::Role::kZone;
    f.path = r.Str(d, "path");
    if (const JsonValue* h = d.Find("sha256"); h != nullptr && !h->is_null())
      f.sha256 = r.Str(d, "sha256");
    plan.dns_files.push_back(std::move(f));
  }
  for (const JsonValue& i : r.Array(*doc, "inputs")) {
    PlannedInput in;
    in.path = r.Str(i, "path");
    in.directory = r.Bool(i, "directory");
    in.splittable = r.Bool(i, "splittable");
    in.size = r.Uint(i, "size");
    in.mtime_ns = r.Int(i, "mtime_ns");
    in.messages = r.OptionalUint(i, "messages");
    plan.inputs.push_back(std::move(in));
  }
  for (const JsonValue& s : r.Array(*doc, "shards")) {
    Shard shard;
    shard.bytes = r.Uint(s, "bytes");
    for (const JsonValue& p : r.Array(s, "pieces")) {
      ShardPiece piece;
      piece.input = r.Uint(p, "input");
      piece.begin = r.Uint(p, "begin");
      piece.end =
          p.Find("end") != nullptr && !p.Find("end")->is_null() ? r.Uint(p, "end") : UINT64_MAX;
      piece.first_index = r.Uint(p, "first_index");
      piece.messages = r.OptionalUint(p, "messages");
      if (piece.input >= plan.inputs.size() && r.error.empty())
        r.error = "plan: piece names no input";
      shard.pieces.push_back(piece);
    }
    plan.shards.push_back(std::move(shard));
  }
  if (!r.error.empty()) return Status::Error(r.error);
  return plan;
}

Result<ShardPlan> LoadPlan(const std::string& path, std::string* sha256) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot open plan " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  const std::string bytes = text.str();
  if (sha256 != nullptr) {
    Sha256 hash;
    hash.Update(bytes);
    *sha256 = hash.HexDigest();
  }
  Result<ShardPlan> plan = PlanFromJson(bytes);
  if (!plan.ok()) return Status::Error(path + ": " + plan.error());
  return plan;
}

Status StatPlannedInput(PlannedInput* input) {
  struct stat st;
  if (::stat(input->path.c_str(), &st) != 0) {
    return Status::Error("cannot read " + input->path + ": " + std::strerror(errno));
  }
  input->mtime_ns = MtimeNs(st);
  input->directory = S_ISDIR(st.st_mode);
  if (!input->directory) {
    input->size = static_cast<uint64_t>(st.st_size);
    return Status::Ok();
  }
  // A directory's weight and fingerprint: the sum of its message files' sizes, walked in the
  // reader's order (its own mtime only changes when its top-level entries do).
  input->size = 0;
  DirectoryWalker walker(input->path);
  WalkEntry entry;
  while (walker.Next(&entry)) {
    if (!entry.error.empty()) return Status::Error("cannot read " + entry.error);
    struct stat fs;
    if (::stat(entry.path.c_str(), &fs) == 0) input->size += static_cast<uint64_t>(fs.st_size);
  }
  return Status::Ok();
}

Status CheckPlanInputs(const ShardPlan& plan, std::string* dns_sha256) {
  std::string problems;
  for (const PlannedInput& planned : plan.inputs) {
    PlannedInput now;
    now.path = planned.path;
    if (Status s = StatPlannedInput(&now); !s.ok()) {
      problems += "\n  " + s.message();
    } else if (now.size != planned.size || now.mtime_ns != planned.mtime_ns) {
      problems += "\n  " + planned.path + " changed since the plan (size " +
                  std::to_string(planned.size) + " -> " + std::to_string(now.size) + ", mtime_ns " +
                  std::to_string(planned.mtime_ns) + " -> " + std::to_string(now.mtime_ns) + ")";
    }
  }
  dns_sha256->clear();
  for (const PlannedDnsFile& f : plan.dns_files) {
    Result<std::string> sha = Sha256OfFile(f.path);
    if (!sha.ok()) {
      problems +=
          "\n  " + sha.error() +
          (f.sha256.empty() ? " (the snapshot is made by `mailverify dns-snapshot --plan`)" : "");
      continue;
    }
    if (!f.sha256.empty() && *sha != f.sha256) {
      problems +=
          "\n  " + f.path + " changed since the plan (sha256 " + f.sha256 + " -> " + *sha + ")";
    }
    if (!dns_sha256->empty()) *dns_sha256 += ",";
    *dns_sha256 += *sha;
  }
  if (!problems.empty()) return Status::Error("the plan does not match its inputs:" + problems);
  return Status::Ok();
}

}  // namespace mv
