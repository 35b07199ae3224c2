#include "cli/evidence_run.h"

#include <unistd.h>

#include <ctime>
#include <filesystem>

#include "evidence/bag_layout.h"
#include "evidence/build_info.h"
#include "evidence/durable_file.h"
#include "evidence/run_manifest.h"
#include "keytrust/compromised_keys.h"
#include "util/json_writer.h"

namespace mv {
namespace {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

const char* MboxVariantName(MboxVariant v) {
  switch (v) {
    case MboxVariant::kMboxrd:
      return "mboxrd";
    case MboxVariant::kMboxo:
      return "mboxo";
    case MboxVariant::kMboxcl2:
      return "mboxcl2";
    case MboxVariant::kAuto:
      break;
  }
  return "auto";
}

// A key file's name inside data/keys/: its base name, with anything but [A-Za-z0-9._-] as '_'.
std::string BagKeyName(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (char& c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-' || c == '_';
    if (!plain) c = '_';
  }
  return name.empty() || name[0] == '.' ? "keys" + name : name;
}

// --compromised-keys / --known-moduli files into `dir`, each as NN/NAME: NN keeps the command
// line's order (bundle verify --replay passes them in that order) and NAME is the file's own base
// name, which records quote in a shared-prime finding ("moduli.txt:2"), so a replay says the same.
Status CopyTrustFiles(const BagWriter& bag, const std::vector<std::string>& files,
                      const char* dir) {
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    const std::string sub = std::string(dir) + (n.size() < 2 ? "/0" : "/") + n;
    std::string name = std::filesystem::path(files[i]).filename().string();
    if (name.empty() || name == "." || name == "..") name = "file";
    Status st = bag.MakeDirectory(sub);
    if (st.ok()) st = bag.CopyIn(files[i], sub + "/" + name);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> ReplayArguments(const Options& o) {
  std::vector<std::string> a;
  a.push_back("--at");
  a.push_back(o.at_received ? "received" : std::to_string(o.at));
  a.insert(a.end(), {"--authserv-id", o.authserv_id});
  if (o.strict) a.push_back("--strict");
  if (!o.evidence.message_hashes) a.push_back("--no-hash");
  a.insert(a.end(), {"--format", o.format == Options::Format::kAuthResults ? "ar" : "jsonl"});
  a.insert(a.end(), {"--mbox-format", MboxVariantName(o.mbox_variant)});
  a.insert(a.end(), {"--dmarc-rules", DmarcRulesChoiceName(o.dmarc_rules)});
  const std::pair<const char*, uint64_t> counts[] = {
      {"--max-signatures", o.max_signatures},
      {"--max-message-size", o.max_message_size},
      {"--max-header-bytes", o.header_limits.max_header_bytes},
      {"--max-header-fields", o.header_limits.max_fields},
      {"--max-h-names", o.max_signed_headers},
      {"--max-key-bits", static_cast<uint64_t>(o.max_key_bits)},
      {"--spf-max-lookups", static_cast<uint64_t>(o.spf_max_lookups)},
      {"--spf-max-void-lookups", static_cast<uint64_t>(o.spf_max_void_lookups)}};
  for (const auto& [name, n] : counts) a.insert(a.end(), {name, std::to_string(n)});
  for (const std::string& r : o.receivers) a.insert(a.end(), {"--receiver", r});
  return a;
}

std::string EffectiveOptionsJson(const Options& o) {
  std::string out;
  JsonWriter w(&out);
  const auto strings = [&w](std::string_view key, const std::vector<std::string>& items) {
    w.Key(key).BeginArray();
    for (const std::string& s : items) w.String(s);
    w.EndArray();
  };
  w.BeginObject();
  strings("inputs", o.inputs);
  w.Field("output", o.output.empty() ? std::string("-") : o.output);
  w.Field("threads", o.threads);
  w.Field("quiet", o.quiet);
  w.Field("progress", o.progress);
  w.Field("format", o.format == Options::Format::kAuthResults ? "ar" : "jsonl");
  w.Key("at");
  if (o.at_received) {
    w.String("received");
  } else {
    w.Int(o.at);
  }
  w.Field("strict", o.strict);
  w.Field("max_signatures", static_cast<uint64_t>(o.max_signatures));
  strings("receivers", o.receivers);
  w.Field("max_message_size", static_cast<uint64_t>(o.max_message_size));
  w.Field("mbox_format", MboxVariantName(o.mbox_variant));
  w.Field("dmarc_rules", DmarcRulesChoiceName(o.dmarc_rules));
  strings("compromised_keys", o.compromised_keys_files);
  strings("known_moduli", o.known_moduli_files);
  w.Field("mmap", o.map_files);
  // The password file's path only: its content is a secret and is neither read nor hashed here.
  w.Field("imap_password_file", o.imap.password_file);
  w.Field("imap_insecure", o.imap.insecure);
  w.Field("imap_plaintext", o.imap.plaintext);
  w.Field("imap_timeout", static_cast<int64_t>(o.imap.timeout_seconds));
  w.Field("max_header_bytes", static_cast<uint64_t>(o.header_limits.max_header_bytes));
  w.Field("max_header_fields", static_cast<uint64_t>(o.header_limits.max_fields));
  w.Field("max_h_names", static_cast<uint64_t>(o.max_signed_headers));
  w.Field("max_key_bits", o.max_key_bits);
  w.Field("spf_max_lookups", o.spf_max_lookups);
  w.Field("spf_max_void_lookups", o.spf_max_void_lookups);
  w.Field("authserv_id", o.authserv_id);
  strings("dns_zone", o.dns.zone_files);
  w.Field("keys", o.dns.keys_file);
  w.Field("dns_record", o.dns.record_file);
  strings("dns_server", o.dns.live.servers);
  w.Field("dns_timeout_ms", static_cast<int64_t>(o.dns.live.timeout_ms));
  w.Field("dns_max_cname", static_cast<int64_t>(o.dns.live.max_cname_queries));
  w.Field("dns_max_answer", static_cast<int64_t>(o.dns.live.max_answer_bytes));
  w.Field("dns_min_ttl", static_cast<int64_t>(o.dns.cache.min_ttl));
  w.Field("dns_max_ttl", static_cast<int64_t>(o.dns.cache.max_ttl));
  w.Field("dns_concurrency", static_cast<uint64_t>(o.dns.live.max_in_flight));
  w.Field("max_inflight_bytes", static_cast<uint64_t>(o.max_inflight_bytes));
  w.Field("keys_export", o.keys_export_file);
  w.Field("db", o.db_file);
  w.Field("html", o.html_file);
  w.Field("top", static_cast<uint64_t>(o.top_domains));
  w.Field("message_sha256", o.evidence.message_hashes);
  w.Field("manifest", o.evidence.manifest_file);
  w.Field("bundle", o.evidence.bundle_dir);
  strings("bundle_info", o.evidence.bundle_info);
  w.Field("bundle_sign", o.evidence.signing_key);
  w.EndObject();
  return out;
}

Result<std::unique_ptr<EvidenceRun>> EvidenceRun::Start(const Options& given) {
  auto run = std::unique_ptr<EvidenceRun>(new EvidenceRun());
  run->options_ = given;
  run->start_time_ = static_cast<int64_t>(std::time(nullptr));
  run->imap_reads_ = std::make_unique<ImapReadLog>(given.inputs);
  const EvidenceOptions& ev = given.evidence;
  run->manifest_file_ = ev.manifest_file;
  if (ev.bundle_dir.empty() && (!ev.bundle_info.empty() || !ev.signing_key.empty())) {
    return Status::Error("--bundle-info and --bundle-sign need --bundle DIR");
  }
  if (ev.manifest_file.empty() && ev.bundle_dir.empty()) return run;
  if (!given.input_specs.empty()) {
    return Status::Error("--manifest and --bundle are for a whole scan, not for scan --plan");
  }
  if (!ev.bundle_dir.empty() && given.format != Options::Format::kJsonLines) {
    return Status::Error("--bundle keeps JSON Lines results; drop --format ar");
  }
  Options& o = run->options_;
  // Pin what a replay must reproduce: "now" becomes this run's start, the authserv-id the host's.
  if (!o.at_received && o.at < 0) {
    o.at = run->start_time_;
    run->time_was_now_ = true;
  }
  if (o.authserv_id.empty()) o.authserv_id = HostName();
  for (const std::string& input : o.inputs) {
    if (IsImapUrl(input)) continue;  // described by the records read (imap_reads)
    for (FileFacts& f : StatInput(input)) run->inputs_.push_back(std::move(f));
  }
  if (ev.bundle_dir.empty()) return run;

  for (const std::string& kv : ev.bundle_info) {
    Result<std::pair<std::string, std::string>> line = ParseBagInfo(kv);
    if (!line.ok()) return line.status();
    run->tags_.info.push_back(std::move(*line));
  }
  if (!ev.signing_key.empty()) {
    Result<Ed25519Secret> key = ReadEd25519Secret(ev.signing_key);
    if (!key.ok()) return Status::Error("--bundle-sign: " + key.error());
    run->tags_.signing_key = std::move(*key);
  }
  Result<std::unique_ptr<BagWriter>> bag = BagWriter::Begin(ev.bundle_dir);
  if (!bag.ok()) return bag.status();
  run->bag_ = std::move(*bag);
  if (o.output.empty()) {
    o.output = run->bag_->PathOf(bag::kResults);
    run->results_in_bag_ = true;
  }
  if (o.dns.record_file.empty()) {
    o.dns.record_file = run->bag_->PathOf(bag::kDnsEvidence);
    run->dns_record_in_bag_ = true;
  }
  return run;
}

std::string EvidenceRun::ManifestText(const RunSummary& summary) {
  RunManifest m;
  m.build = CurrentBuildInfo();
  m.command_line = options_.evidence.command_line;
  std::error_code ec;
  m.working_directory = std::filesystem::current_path(ec).string();
  m.options_json = EffectiveOptionsJson(options_);
  m.replay_args = ReplayArguments(options_);
  m.input_args = options_.inputs;
  m.time_rule = options_.at_received ? "received" : "fixed";
  m.verification_time = options_.at;
  m.time_was_now = time_was_now_;
  m.host = HostName();
  m.start_time = start_time_;
  m.end_time = static_cast<int64_t>(std::time(nullptr));
  HashFacts(&inputs_);
  m.inputs = inputs_;
  for (const std::string& zone : options_.dns.zone_files) m.dns_zones.push_back(FactsOfFile(zone));
  if (imap_reads_) m.imap_inputs = imap_reads_->reads();
  if (!options_.dns.keys_file.empty()) m.keys = FactsOfFile(options_.dns.keys_file);
  m.default_compromised_keys = FactsOfFile(DefaultCompromisedKeysFile());
  for (const std::string& f : options_.compromised_keys_files) {
    m.compromised_keys.push_back(FactsOfFile(f));
  }
  for (const std::string& f : options_.known_moduli_files) m.known_moduli.push_back(FactsOfFile(f));
  if (!options_.dns.record_file.empty()) {
    m.dns_record = FactsOfFile(options_.dns.record_file);
    if (dns_record_in_bag_) m.dns_record->path = bag::kDnsEvidence;
  }
  m.results_sha256 = results_hash_.HexDigest();
  if (!options_.output.empty()) {
    m.results.emplace();
    m.results->path = results_in_bag_ ? bag::kResults : options_.output;
  }
  m.messages = summary.messages();
  m.input_errors = summary.input_errors();
  m.records = m.messages + m.input_errors;
  m.message_errors = summary.errors();
  m.counters = summary.counters();
  m.message_hashes = options_.evidence.message_hashes;
  return ManifestJson(m);
}

Status EvidenceRun::Finish(const RunSummary& summary) {
  if (!active()) return Status::Ok();
  const std::string manifest = ManifestText(summary);
  if (!manifest_file_.empty()) {
    if (Status st = ReplaceFileAtomically(manifest_file_, manifest); !st.ok()) return st;
  }
  if (!bag_) return Status::Ok();
  const Options& o = options_;
  Status st;
  if (!results_in_bag_) st = bag_->CopyIn(o.output, bag::kResults);
  if (st.ok() && !dns_record_in_bag_) st = bag_->CopyIn(o.dns.record_file, bag::kDnsEvidence);
  if (st.ok() && !o.dns.keys_file.empty()) {
    st = bag_->MakeDirectory(bag::kKeysDir);
    if (st.ok()) {
      st = bag_->CopyIn(o.dns.keys_file,
                        std::string(bag::kKeysDir) + "/" + BagKeyName(o.dns.keys_file));
    }
  }
  if (st.ok()) st = CopyTrustFiles(*bag_, o.compromised_keys_files, bag::kCompromisedKeysDir);
  if (st.ok()) st = CopyTrustFiles(*bag_, o.known_moduli_files, bag::kKnownModuliDir);
  if (st.ok() && !o.html_file.empty()) st = bag_->CopyIn(o.html_file, bag::kReport);
  if (st.ok()) st = bag_->WriteFile(bag::kManifest, manifest);
  if (!st.ok()) return st;
  const BuildInfo build = CurrentBuildInfo();
  tags_.software_agent = build.program + " " + build.version + " (commit " + build.git_commit + ")";
  tags_.bagging_time = static_cast<int64_t>(std::time(nullptr));
  return bag_->Finish(tags_);
}

}  // namespace mv
