#include "cli/keys_command.h"

#include <cstdio>

#include "cli/scan_command.h"
#include "dns/key_archive.h"
#include "dns/zone_loader.h"
#include "keytrust/compromised_keys.h"
#include "util/json_writer.h"

namespace mv {
namespace {

bool IsKeyName(const std::string& name) {
  return name.find("._domainkey.") != std::string::npos;
}

// Calls fn(name, record text) for every TXT record at a ..._domainkey. name of `sources`.
template <class Fn>
void ForEachKeyRecord(const std::vector<const MemoryDnsSource*>& sources, Fn fn) {
  for (const MemoryDnsSource* source : sources) {
    for (const auto& [key, record] : source->records()) {
      if (key.second == DnsType::kTxt && IsKeyName(key.first)) fn(key.first, record.JoinedTxt());
    }
  }
}

int RunAudit(const Options& options) {
  std::vector<std::unique_ptr<MemoryDnsSource>> owned;
  std::vector<const MemoryDnsSource*> sources;
  std::vector<std::string> files = options.dns.zone_files;
  if (!options.dns.keys_file.empty()) files.push_back(options.dns.keys_file);
  for (const std::string& file : files) {
    owned.push_back(std::make_unique<MemoryDnsSource>("keys"));
    Status st = IsKeyArchivePath(file) ? LoadKeyArchive(file, owned.back().get())
                                       : LoadZoneFile(file, owned.back().get());
    if (!st.ok()) {
      std::fprintf(stderr, "mailverify: %s\n", st.message().c_str());
      return 2;
    }
    sources.push_back(owned.back().get());
  }
  KeyTrust trust;
  if (Status st = SetUpKeyTrust(options, sources, &trust); !st.ok()) {
    std::fprintf(stderr, "mailverify: %s\n", st.message().c_str());
    return 2;
  }
  std::string out;
  ForEachKeyRecord(sources, [&](const std::string& name, const std::string& text) {
    const DkimKeyParse parsed = ParseDkimKeyRecord(text);
    if (parsed.key == nullptr) return;
    const KeyTrustVerdict v = trust.Assess(*parsed.key, name);
    JsonWriter w(&out);
    w.BeginObject();
    w.Field("name", name).Field("fingerprint", v.fingerprint).Field("key_bits", parsed.key->bits);
    w.Field("key_trust", KeyTrustName(v.worst));
    w.Key("key_trust_detail").BeginArray();
    for (const KeyTrustFinding& f : v.findings) {
      w.String(std::string(KeyTrustName(f.kind)) + ": " + f.detail);
    }
    w.EndArray();
    w.EndObject();
    out.push_back('\n');
  });
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

Status SetUpKeyTrust(const Options& options, const std::vector<const MemoryDnsSource*>& sources,
                     KeyTrust* trust) {
  if (Status st = trust->LoadCompromisedKeys(DefaultCompromisedKeysFile()); !st.ok()) return st;
  for (const std::string& file : options.compromised_keys_files) {
    if (Status st = trust->LoadCompromisedKeys(file); !st.ok()) return st;
  }
  for (const std::string& file : options.known_moduli_files) {
    if (Status st = trust->LoadKnownModuli(file); !st.ok()) return st;
  }
  ForEachKeyRecord(sources, [trust](const std::string& name, const std::string& text) {
    trust->AddRecord(name, text);
  });
  trust->Prepare();
  return Status::Ok();
}

std::string FormatLateFindings(const KeyTrust& trust) {
  std::string out;
  for (const std::string& line : trust.LateFindings())
    out += "  key shares a prime: " + line + "\n";
  return out;
}

int RunKeys(const Options& options) {
  if (options.inputs.front() == "audit") return RunAudit(options);
  // export: a scan whose records are dropped and whose keys are the output.
  Options scan = options;
  scan.command = Options::Command::kScan;
  scan.inputs.erase(scan.inputs.begin());
  scan.keys_export_file = options.output.empty() ? "-" : options.output;
  scan.output = "/dev/null";
  return RunScan(scan);
}

}  // namespace mv
