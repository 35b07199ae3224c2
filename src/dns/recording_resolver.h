// RecordingResolver: the forensic evidence of a run. It wraps the resolver a run uses and keeps
// every answer handed out, then writes them as a master file that LoadZoneFile reads back: records
// with their TTLs, CNAME chains, and ";@mailverify STATUS NAME TYPE TTL [DETAIL]" outcome lines for
// NXDOMAIN, NODATA, temperror (or "timeout") and permerror, so that replaying the file gives the
// same status, records, TTL, chain and error for every question the run asked.
//
// The first answer to a question wins (a later re-query after TTL expiry may differ; the file keeps
// what the earliest messages were judged with and `changed()` counts the differences). Output is
// sorted and has no timestamps, so two runs with the same answers write identical files. Written
// atomically (temporary file, then rename) by Flush, which may be called any number of times.
// Names keep any byte (escaped as \DDD in the file); the one answer that cannot be written is one
// whose owner's leftmost label is "*", which a master file can only hold as a wildcard: it is
// named in a comment line instead, and a replay answers NXDOMAIN for it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "dns/resolver.h"
#include "util/status.h"

namespace mv {

class RecordingResolver : public DnsResolver {
 public:
  // `inner` must outlive the recorder.
  RecordingResolver(DnsResolver* inner, std::string path);

  DnsAnswer Lookup(std::string_view name, DnsType type) override;
  std::shared_ptr<const DnsAnswer> LookupShared(std::string_view name, DnsType type) override;
  void Prefetch(std::span<const DnsQuestion> questions) override;
  std::vector<DnsAnswer> LookupMany(std::span<const DnsQuestion> questions) override;
  // Peeked and prefetched answers are not handed out to a check, so they are not recorded.
  std::shared_ptr<const DnsAnswer> Peek(std::string_view name, DnsType type) override {
    return inner_->Peek(name, type);
  }
  void PrefetchAsync(std::span<const DnsQuestion> questions, std::function<void()> done) override {
    inner_->PrefetchAsync(questions, std::move(done));
  }
  size_t QueuedQuestions() const override { return inner_->QueuedQuestions(); }

  // The snapshot text as Flush would write it.
  Result<std::string> Render() const;
  Status Flush() const;

  size_t size() const;       // questions recorded
  uint64_t changed() const;  // later answers that differed from the recorded one

 private:
  void Record(const std::string& name, DnsType type, const DnsAnswer& answer);

  DnsResolver* inner_;
  std::string path_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, DnsType>, DnsAnswer> answers_;
  uint64_t changed_ = 0;
  // Shared answers (the cache's own objects) already recorded: a cache hit hands out the same
  // object again, and needs neither the name normalized, the map searched nor the answer
  // compared. The objects are kept alive so an address cannot come back as another answer.
  std::unordered_set<const DnsAnswer*> recorded_shared_;
  std::vector<std::shared_ptr<const DnsAnswer>> kept_;
};

}  // namespace mv
