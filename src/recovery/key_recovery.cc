#include "recovery/key_recovery.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "archive/archive_reader.h"
#include "dkim/dkim_key.h"
#include "message/header_index.h"
#include "recovery/key_confirmation.h"
#include "recovery/rsa_key_record.h"
#include "recovery/rsa_signature_sample.h"

namespace mv {
namespace {

using Clock = std::chrono::steady_clock;

// Why a key name is (or is not) a recovery candidate, from its DNS answer.
struct Candidacy {
  bool candidate = false;
  std::string why;       // for candidates: nxdomain, nodata, revoked, selected
  bool has_key = false;  // not a candidate: DNS holds a usable (or some other) record
  bool dns_failed = false;
};

Candidacy Classify(DnsResolver* resolver, const std::string& name) {
  Candidacy c;
  const DnsAnswer answer = resolver->Lookup(name, DnsType::kTxt);
  switch (answer.status) {
    case DnsStatus::kNxDomain:
    case DnsStatus::kNoData:
      c.candidate = true;
      c.why = std::string(DnsStatusName(answer.status));
      return c;
    case DnsStatus::kTempError:
    case DnsStatus::kPermError:
      c.dns_failed = true;
      return c;
    case DnsStatus::kOk:
      break;
  }
  // Revoked only when every TXT record there is an empty p=; anything else is some other key.
  bool any = false, all_revoked = true;
  for (const DnsRecord& rec : answer.records) {
    if (rec.type != DnsType::kTxt) continue;
    any = true;
    all_revoked =
        all_revoked && ParseDkimKeyRecord(rec.JoinedTxt()).reason == DkimReason::kKeyRevoked;
  }
  if (!any) {
    c.candidate = true;
    c.why = "nodata";
  } else if (all_revoked) {
    c.candidate = true;
    c.why = "revoked";
  } else {
    c.has_key = true;
  }
  return c;
}

SampleOrigin OriginOf(const RsaSignatureSample& s) {
  return SampleOrigin{s.source, s.index, s.field, s.message_id};
}

std::string Plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string DescribeOutcome(const KeyNameOutcome& o) {
  const ModulusSearchResult& s = o.search;
  std::string left_out;
  if (s.body_altered > 0)
    left_out += ", " + std::to_string(s.body_altered) + " with an altered body";
  if (s.duplicates > 0) left_out += ", " + Plural(s.duplicates, "duplicate");
  if (s.bad_length > 0) left_out += ", " + std::to_string(s.bad_length) + " of unsupported length";
  if (o.samples == 0) return "no RSA signatures in the archive";
  if (!o.keys.empty()) {
    std::string text = Plural(o.keys.size(), "key") + " recovered from " +
                       Plural(s.pairs_tried, "pair") + " (" + std::to_string(s.usable) +
                       " usable signatures" + left_out + ")";
    if (!s.unexplained.empty()) {
      text += "; " + std::to_string(s.unexplained.size()) + " signatures verify under none";
    }
    if (s.time_capped) text += "; time cap reached";
    return text;
  }
  if (s.usable < 2) {
    return "fewer than two usable signatures (" + std::to_string(s.usable) + " usable" + left_out +
           ")";
  }
  if (s.time_capped) {
    return "time cap reached after " + Plural(s.pairs_tried, "pair") + ", no key";
  }
  return "no pair of " + std::to_string(s.pairs_tried) +
         " gave a modulus (altered headers, or no two signatures made with the same key)";
}

}  // namespace

Result<KeyRecoveryReport> RecoverKeys(
    const KeyRecoveryOptions& options, DnsResolver* resolver,
    const std::function<void(const KeyRecoveryProgress&)>& progress) {
  const Clock::time_point start = Clock::now();
  for (const std::string& path : options.inputs) {
    if (path == "-")
      return Status::Error("recover-keys reads its inputs twice: stdin cannot be one");
  }
  std::set<std::string> selected;
  for (const std::string& name : options.key_names) {
    const std::string n = NormalizeDnsName(name);
    if (n.find("._domainkey.") == std::string::npos) {
      return Status::Error("'" + name + "' is not a key name (selector._domainkey.domain)");
    }
    selected.insert(n);
  }
  if (selected.empty() && resolver == nullptr) {
    return Status::Error("recover-keys needs DNS (or key names) to know which keys are gone");
  }

  // Pass 1: the samples of every candidate name.
  KeyRecoveryReport report;
  std::map<std::string, Candidacy> candidacy;
  std::map<std::string, std::vector<RsaSignatureSample>> samples;
  for (const std::string& n : selected) {
    candidacy[n] = Candidacy{true, "selected", false, false};
    samples[n];
  }
  const auto want = [&](const std::string& name) {
    auto it = candidacy.find(name);
    if (it == candidacy.end()) {
      if (!selected.empty()) return false;
      it = candidacy.emplace(name, Classify(resolver, name)).first;
      if (it->second.has_key) ++report.names_with_key;
      if (it->second.dns_failed) ++report.names_dns_failed;
    }
    return it->second.candidate;
  };
  {
    std::vector<InputSpec> inputs;
    for (const std::string& path : options.inputs) inputs.push_back(InputSpec{path});
    ArchiveReader reader(std::move(inputs));
    RawMessage msg;
    std::vector<RsaSignatureSample> found;
    while (reader.Next(&msg)) {
      if (msg.input_error || !msg.read_error.empty()) continue;
      ++report.messages;
      const HeaderIndex index = HeaderIndex::Build(msg.bytes);
      found.clear();
      ExtractRsaSamples(index, msg.provenance, want, &found);
      for (RsaSignatureSample& s : found) samples[s.key_name].push_back(std::move(s));
    }
    report.failed_inputs = reader.failed_inputs();
  }

  // The searches, one task per key name.
  for (auto& [name, list] : samples) {
    KeyNameOutcome o;
    o.key_name = name;
    o.why = candidacy[name].why;
    o.samples = list.size();
    report.names.push_back(std::move(o));
  }
  std::vector<std::vector<RsaSignatureSample>*> lists;
  for (auto& [name, list] : samples) lists.push_back(&list);

  std::mutex progress_mu;
  KeyRecoveryProgress state;
  state.names_total = report.names.size();
  const auto report_progress = [&](size_t pairs, size_t keys, bool done) {
    std::lock_guard<std::mutex> lock(progress_mu);
    state.pairs_tried += pairs;
    state.keys_found += keys;
    state.names_done += done ? 1 : 0;
    if (progress) progress(state);
  };
  const auto search_one = [&](size_t i) {
    ModulusSearchOptions search_options;
    search_options.max_seconds = options.max_seconds_per_key;
    search_options.exponents = options.exponents;
    search_options.on_pair = [&](size_t, size_t) { report_progress(1, 0, false); };
    report.names[i].search = SearchModuli(*lists[i], search_options);
    report_progress(0, report.names[i].search.keys.size(), true);
  };
  {
    const int threads = options.threads > 0 ? options.threads : tbb::task_arena::automatic;
    std::optional<tbb::global_control> cap;
    if (options.threads > 0) {
      cap.emplace(tbb::global_control::max_allowed_parallelism,
                  static_cast<size_t>(options.threads));
    }
    tbb::task_arena arena(threads);
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<size_t>(0, report.names.size(), 1),
          [&](const tbb::blocked_range<size_t>& r) {
            for (size_t i = r.begin(); i != r.end(); ++i) search_one(i);
          },
          tbb::simple_partitioner());
    });
  }

  // Records for every key found, then the proof through the DKIM verifier.
  std::vector<KeyToConfirm> to_confirm;
  for (size_t i = 0; i < report.names.size(); ++i) {
    KeyNameOutcome& o = report.names[i];
    const std::vector<RsaSignatureSample>& list = *lists[i];
    for (FoundKey& found : o.search.keys) {
      Result<std::string> record = DkimRecordForRsaKey(found.key);
      if (!record.ok()) return Status::Error(o.key_name + ": " + record.error());
      RecoveredKey key;
      key.key_name = o.key_name;
      key.record = *record;
      key.numbers = found.key;
      key.bits = found.bits;
      key.pair[0] = OriginOf(list[found.pair_first]);
      key.pair[1] = OriginOf(list[found.pair_second]);
      o.keys.push_back(report.keys.size());
      report.keys.push_back(std::move(key));
      to_confirm.push_back(KeyToConfirm{o.key_name, *record});
    }
  }
  if (!to_confirm.empty()) {
    std::vector<InputSpec> inputs;
    for (const std::string& path : options.inputs) inputs.push_back(InputSpec{path});
    const int64_t now =
        options.verify_time != 0 ? options.verify_time : static_cast<int64_t>(std::time(nullptr));
    ConfirmationRun run = ConfirmKeys(std::move(inputs), to_confirm, now);
    for (size_t k = 0; k < report.keys.size(); ++k) {
      RecoveredKey& key = report.keys[k];
      const KeyConfirmation& c = run.keys[k];
      size_t pair_hits = 0;
      for (const SignatureRef& ref : c.verified) {
        bool in_pair = false;
        for (const SampleOrigin& p : key.pair) {
          in_pair =
              in_pair || (ref.source == p.source && ref.index == p.index && ref.field == p.field);
        }
        pair_hits += in_pair ? 1 : 0;
      }
      key.pair_verified = pair_hits == 2;
      key.verified_others = c.verified.size() - pair_hits;
      // The pair's two b= values are among the distinct ones when the pair verified.
      key.verified_others_distinct =
          c.verified_distinct >= pair_hits ? c.verified_distinct - pair_hits : 0;
      key.name_signatures = c.name_signatures;
    }
  }
  for (KeyNameOutcome& o : report.names) o.outcome = DescribeOutcome(o);
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace mv
