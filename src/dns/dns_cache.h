// DnsCache: the one TTL cache every lookup of a run goes through, in front of any source (live,
// zone, keys). Positive answers live for their TTL (clamped), negative ones for the RFC 2308 TTL,
// failures for a few seconds. Concurrent askers of one (name, type) share a single upstream query.
// A name whose query timed out puts its registrable domain on hold (see registrable_domain.h):
// further misses under it are temperror at once, so one dead server costs one timeout, not one per
// message. Size is bounded (LRU per shard).
#pragma once

#include <cstdint>
#include <memory>

#include "dns/dns_clock.h"
#include "dns/resolver.h"

namespace mv {

struct DnsCacheOptions {
  size_t max_entries = 200000;
  uint32_t min_ttl = 5;              // seconds; also applies to negative answers
  uint32_t max_ttl = 86400;          // positive answers
  uint32_t max_negative_ttl = 3600;  // NXDOMAIN / NODATA
  uint32_t failure_ttl = 5;          // temperror / permerror (0: never cached)
  uint32_t hold_seconds = 30;        // 0: no holds
  const DnsClock* clock = nullptr;   // null: steady_clock
};

// Counters for the run summary. Readable at any time from any thread.
struct DnsStats {
  uint64_t lookups = 0;          // Lookup calls
  uint64_t hits = 0;             // answered from a fresh entry
  uint64_t misses = 0;           // no fresh entry (includes coalesced and held)
  uint64_t coalesced = 0;        // waited for a query another thread had in flight
  uint64_t held = 0;             // answered temperror because the domain was on hold
  uint64_t queries = 0;          // questions sent to the source (Lookup or in a Prefetch batch)
  uint64_t failures = 0;         // temperror/permerror answers from the source
  uint64_t timeouts = 0;         // of which timeouts
  uint64_t holds = 0;            // domains put on hold
  uint64_t evictions = 0;        // entries dropped to respect max_entries
  uint64_t entries = 0;          // entries now in the cache
  uint64_t network_queries = 0;  // live source only: DNS queries sent (CNAME re-queries included)
  std::string network_kinds;     // live source only: FormatWireQueries (live_source.h)
};

class DnsCache : public DnsResolver {
 public:
  // `source` must outlive the cache.
  explicit DnsCache(DnsResolver* source, DnsCacheOptions options = {});
  ~DnsCache() override;

  DnsAnswer Lookup(std::string_view name, DnsType type) override;
  std::shared_ptr<const DnsAnswer> LookupShared(std::string_view name, DnsType type) override;
  // De-duplicates the batch, skips fresh, in-flight and held keys and asks the source for the rest
  // in one LookupMany call (concurrently for the live source).
  void Prefetch(std::span<const DnsQuestion> questions) override;
  std::vector<DnsAnswer> LookupMany(std::span<const DnsQuestion> questions) override;
  // A fresh entry, a held domain's or an unqueryable name's answer; null on a miss or while the
  // question is in flight. Counts as no lookup.
  std::shared_ptr<const DnsAnswer> Peek(std::string_view name, DnsType type) override;
  // Prefetch without a waiting thread: questions in flight for another batch are waited for
  // through a callback, the rest go to the source's LookupManyAsync.
  void PrefetchAsync(std::span<const DnsQuestion> questions, std::function<void()> done) override;
  size_t QueuedQuestions() const override;

  DnsStats stats() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mv
