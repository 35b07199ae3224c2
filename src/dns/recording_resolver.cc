#include "dns/recording_resolver.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "dns/dns_name_text.h"
#include "dns/ldns_records.h"
#include "dns/live_source.h"

namespace mv {
namespace {

bool SameAnswer(const DnsAnswer& a, const DnsAnswer& b) {
  if (a.status != b.status || a.cname_chain != b.cname_chain ||
      a.records.size() != b.records.size())
    return false;
  for (size_t i = 0; i < a.records.size(); ++i) {
    const DnsRecord& x = a.records[i];
    const DnsRecord& y = b.records[i];
    if (x.type != y.type || x.txt != y.txt || x.target != y.target || x.preference != y.preference)
      return false;
  }
  return true;
}

// A leftmost label "*" makes an owner a wildcard (RFC 4592), escaped or not: written as a record,
// such a name would answer for every name below it, and the loader refuses wildcard owners. Any
// byte may be in a label (an SPF macro can expand %{l} to "*"), so such answers are left out.
bool IsWildcardOwner(std::string_view name) {
  return name == "*" || name.substr(0, 2) == "*.";
}

// Error details go on one comment line.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

RecordingResolver::RecordingResolver(DnsResolver* inner, std::string path)
    : inner_(inner), path_(std::move(path)) {}

DnsAnswer RecordingResolver::Lookup(std::string_view name, DnsType type) {
  DnsAnswer answer = inner_->Lookup(name, type);
  Record(NormalizeDnsName(name), type, answer);
  return answer;
}

std::shared_ptr<const DnsAnswer> RecordingResolver::LookupShared(std::string_view name,
                                                                 DnsType type) {
  std::shared_ptr<const DnsAnswer> answer = inner_->LookupShared(name, type);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!recorded_shared_.insert(answer.get()).second) return answer;
    kept_.push_back(answer);
  }
  Record(NormalizeDnsName(name), type, *answer);
  return answer;
}

void RecordingResolver::Prefetch(std::span<const DnsQuestion> questions) {
  // Only answers handed out are evidence; prefetched ones are recorded when Lookup uses them.
  inner_->Prefetch(questions);
}

std::vector<DnsAnswer> RecordingResolver::LookupMany(std::span<const DnsQuestion> questions) {
  std::vector<DnsAnswer> answers = inner_->LookupMany(questions);
  for (size_t i = 0; i < answers.size() && i < questions.size(); ++i) {
    Record(NormalizeDnsName(questions[i].name), questions[i].type, answers[i]);
  }
  return answers;
}

void RecordingResolver::Record(const std::string& name, DnsType type, const DnsAnswer& answer) {
  // Names that cannot be queried are refused by the cache before any source, on replay too.
  if (!IsQueryableDnsName(name)) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, added] = answers_.try_emplace({name, type}, answer);
  if (!added && !SameAnswer(it->second, answer)) ++changed_;
}

size_t RecordingResolver::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return answers_.size();
}

uint64_t RecordingResolver::changed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return changed_;
}

Result<std::string> RecordingResolver::Render() const {
  // Lines keyed by (owner, type) so that one owner's data is written once even when several
  // questions reached it (a CNAME target asked directly too); the first question in order wins.
  std::map<std::pair<std::string, int>, std::vector<std::string>> rrsets;
  std::map<std::pair<std::string, int>, std::string> outcomes;
  auto add_rrset = [&](const std::string& owner, int type, std::vector<std::string> lines) {
    std::pair<std::string, int> key{owner, type};
    if (rrsets.count(key) || outcomes.count(key)) return;
    std::sort(lines.begin(), lines.end());
    rrsets.emplace(std::move(key), std::move(lines));
  };
  std::string left_out;  // comment lines naming the answers that cannot be written
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [question, answer] : answers_) {
    const std::string& qname = question.first;
    const std::string& final_name =
        answer.cname_chain.empty() || answer.canonical_name.empty() ? qname : answer.canonical_name;
    if (IsWildcardOwner(final_name) ||
        std::any_of(answer.cname_chain.begin(), answer.cname_chain.end(),
                    [](const std::string& n) { return IsWildcardOwner(n); })) {
      left_out +=
          "; not written, a leftmost '*' label would be a wildcard: " + EscapeDnsName(qname) +
          ". " + std::string(DnsTypeName(question.second)) + "\n";
      continue;
    }
    for (size_t i = 0; i < answer.cname_chain.size(); ++i) {
      DnsRecord cname;
      cname.type = DnsType::kCname;
      cname.ttl = answer.ttl;
      cname.target = i + 1 < answer.cname_chain.size() ? answer.cname_chain[i + 1] : final_name;
      Result<std::string> line = RecordToMasterLine(answer.cname_chain[i], cname);
      if (!line.ok()) return line.status();
      add_rrset(answer.cname_chain[i], static_cast<int>(DnsType::kCname), {*line});
    }
    const int type = static_cast<int>(question.second);
    if (answer.ok()) {
      std::vector<std::string> lines;
      for (const DnsRecord& r : answer.records) {
        Result<std::string> line = RecordToMasterLine(final_name, r);
        if (!line.ok()) return line.status();
        lines.push_back(std::move(*line));
      }
      add_rrset(final_name, type, std::move(lines));
      continue;
    }
    std::pair<std::string, int> key{final_name, type};
    if (rrsets.count(key) || outcomes.count(key)) continue;
    std::string status = answer.timeout ? "timeout" : std::string(DnsStatusName(answer.status));
    // The name escaped as in a record line: a space in it would split the marker's fields.
    std::string line = ";@mailverify " + status + " " + EscapeDnsName(final_name) + ". " +
                       std::string(DnsTypeName(question.second)) + " " + std::to_string(answer.ttl);
    if (!answer.error.empty()) {
      line += ' ';
      line += OneLine(answer.error);
    }
    outcomes.emplace(std::move(key), std::move(line));
  }

  std::string out =
      "; mailverify DNS snapshot: every answer one run used. Replay it with --dns-zone FILE.\n"
      "; Lines ';@mailverify STATUS NAME TYPE TTL [DETAIL]' record answers without records;\n"
      "; other DNS tools read them as comments.\n" +
      left_out + "\n";
  // Both maps are sorted by (owner, type); merge them so each owner's lines stay together.
  auto r = rrsets.begin();
  auto o = outcomes.begin();
  while (r != rrsets.end() || o != outcomes.end()) {
    if (o == outcomes.end() || (r != rrsets.end() && r->first < o->first)) {
      for (const std::string& line : r->second) out += line + "\n";
      ++r;
    } else {
      out += o->second + "\n";
      ++o;
    }
  }
  return out;
}

Status RecordingResolver::Flush() const {
  Result<std::string> text = Render();
  if (!text.ok()) return text.status();
  const std::string tmp = path_ + ".tmp." + std::to_string(getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Status::Error(tmp + ": cannot create");
  bool ok = std::fwrite(text->data(), 1, text->size(), f) == text->size();
  ok = std::fflush(f) == 0 && ok;
  ok = fsync(fileno(f)) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path_.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::Error(path_ + ": cannot write DNS record file");
  }
  return Status::Ok();
}

}  // namespace mv
