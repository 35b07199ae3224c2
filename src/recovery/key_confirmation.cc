#include "recovery/key_confirmation.h"

#include <map>
#include <memory>
#include <set>

#include "dkim/dkim_verifier.h"
#include "dkim/tag_list.h"
#include "dns/memory_source.h"
#include "message/header_index.h"
#include "recovery/rsa_signature_sample.h"

namespace mv {
namespace {

// TXT character-strings hold at most 255 bytes; a record is published as several.
std::vector<std::string> SplitTxt(const std::string& record) {
  std::vector<std::string> out;
  for (size_t i = 0; i < record.size(); i += 255) out.push_back(record.substr(i, 255));
  return out;
}

// The key name each DKIM-Signature of the message points at (empty when s= or d= is missing).
std::vector<std::string> SignatureKeyNames(const HeaderIndex& index) {
  std::vector<std::string> names;
  for (const HeaderField& f : index.fields()) {
    if (!EqualsIgnoreCase(f.name, "DKIM-Signature")) continue;
    Result<TagList> tags = TagList::Parse(f.value);
    const Tag* s = tags.ok() ? tags->Find("s") : nullptr;
    const Tag* d = tags.ok() ? tags->Find("d") : nullptr;
    names.push_back(s && d ? DkimKeyName(s->value, d->value) : std::string());
  }
  return names;
}

bool SignatureVerified(const DkimResult& r) {
  // An expired signature is judged only after its crypto verified (DkimVerifier::JudgeVerified).
  return r.result == DkimResultCode::kPass || r.reason == DkimReason::kExpired;
}

// One key's own verifier: its DNS holds nothing but the recovered record.
struct KeyVerifier {
  std::unique_ptr<MemoryDnsSource> dns;
  std::unique_ptr<DkimVerifier> verifier;
  std::set<std::string> distinct;  // b= prefixes of verified signatures
};

}  // namespace

ConfirmationRun ConfirmKeys(std::vector<InputSpec> inputs, std::span<const KeyToConfirm> keys,
                            int64_t verify_time) {
  ConfirmationRun run;
  run.keys.resize(keys.size());
  std::vector<KeyVerifier> verifiers(keys.size());
  std::map<std::string, std::vector<size_t>, std::less<>> keys_of_name;
  DkimOptions options;
  options.max_signatures = SIZE_MAX;
  options.verify_time = verify_time;
  for (size_t k = 0; k < keys.size(); ++k) {
    verifiers[k].dns = std::make_unique<MemoryDnsSource>("keys");
    verifiers[k].dns->AddTxt(keys[k].key_name, SplitTxt(keys[k].record));
    verifiers[k].verifier = std::make_unique<DkimVerifier>(verifiers[k].dns.get(), options);
    keys_of_name[keys[k].key_name].push_back(k);
  }

  ArchiveReader reader(std::move(inputs));
  RawMessage msg;
  while (reader.Next(&msg)) {
    if (msg.input_error || !msg.read_error.empty()) continue;
    ++run.messages;
    const HeaderIndex index = HeaderIndex::Build(msg.bytes);
    const std::vector<std::string> names = SignatureKeyNames(index);
    std::set<size_t> wanted;
    for (const std::string& name : names) {
      auto it = keys_of_name.find(name);
      if (it == keys_of_name.end()) continue;
      for (size_t k : it->second) {
        ++run.keys[k].name_signatures;
        wanted.insert(k);
      }
    }
    for (size_t k : wanted) {
      const std::vector<DkimResult> results = verifiers[k].verifier->Verify(index);
      std::vector<const HeaderField*> fields = index.All("DKIM-Signature");
      for (size_t f = 0; f < results.size() && f < names.size(); ++f) {
        if (names[f] != keys[k].key_name || !SignatureVerified(results[f])) continue;
        run.keys[k].verified.push_back(
            SignatureRef{msg.provenance.source, msg.provenance.index, f});
        Result<TagList> tags = TagList::Parse(fields[f]->value);
        const Tag* b = tags.ok() ? tags->Find("b") : nullptr;
        if (b != nullptr && verifiers[k].distinct.insert(RemoveFws(b->value)).second) {
          ++run.keys[k].verified_distinct;
        }
      }
    }
  }
  run.failed_inputs = reader.failed_inputs();
  return run;
}

}  // namespace mv
