// DNS layer benchmarks: the cost of a cache hit (one thread and several), and live lookups per
// second against the local NSD (scripts/dns-server start) with 1, 16 and 256 queries in flight.
//   build/bench/bench_dns [--benchmark_filter=...]   MV_DNS_PORT overrides the port (53535).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "dns/dns_cache.h"
#include "dns/live_source.h"
#include "dns/memory_source.h"

namespace mv {
namespace {

constexpr int kNames = 10000;

std::vector<std::string> Names() {
  std::vector<std::string> names;
  for (int i = 0; i < kNames; ++i) {
    std::string n("s");
    n += std::to_string(i);
    n += "._domainkey.example.com";
    names.push_back(std::move(n));
  }
  return names;
}

struct WarmCache {
  MemoryDnsSource zone;
  std::unique_ptr<DnsCache> cache;
  std::vector<std::string> names = Names();
  WarmCache() {
    for (const std::string& n : names) {
      zone.AddTxt(n, {"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" +
                      std::string(330, 'A')});
    }
    cache = std::make_unique<DnsCache>(&zone);
    for (const std::string& n : names) cache->Lookup(n, DnsType::kTxt);
  }
};

WarmCache& Warm() {
  static WarmCache* warm = new WarmCache();
  return *warm;
}

// A hit: normalise the name, find the shard entry, copy the answer (a ~400-byte TXT record).
void BM_CacheHit(benchmark::State& state) {
  WarmCache& w = Warm();
  size_t i = static_cast<size_t>(state.thread_index()) * 7919;
  for (auto _ : state) {
    DnsAnswer a = w.cache->Lookup(w.names[i % kNames], DnsType::kTxt);
    benchmark::DoNotOptimize(a);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheHit)->Threads(1)->Threads(2)->Threads(4)->Threads(8)->UseRealTime();

// The hit the protocol modules take (LookupShared): no copy of the answer, so what is left is the
// cache's own work per lookup (name check, hashing, shard lock, LRU update).
void BM_CacheHitShared(benchmark::State& state) {
  WarmCache& w = Warm();
  size_t i = static_cast<size_t>(state.thread_index()) * 7919;
  for (auto _ : state) {
    std::shared_ptr<const DnsAnswer> a = w.cache->LookupShared(w.names[i % kNames], DnsType::kTxt);
    benchmark::DoNotOptimize(a);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheHitShared)->Threads(1)->Threads(2)->UseRealTime();

// Every thread asks the same key: the worst case for the shard lock.
void BM_CacheHitOneKey(benchmark::State& state) {
  WarmCache& w = Warm();
  for (auto _ : state) {
    DnsAnswer a = w.cache->Lookup(w.names[42], DnsType::kTxt);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheHitOneKey)->Threads(1)->Threads(2)->Threads(4)->Threads(8)->UseRealTime();

// Questions the test zones answer (tests/zones), mixed outcomes, TXT mostly.
std::vector<DnsQuestion> LiveBatch(size_t n) {
  const DnsQuestion kinds[] = {{"mailverify.test", DnsType::kTxt},
                               {"s2048._domainkey.mailverify.test", DnsType::kTxt},
                               {"s4096._domainkey.mailverify.test", DnsType::kTxt},
                               {"_dmarc.mailverify.test", DnsType::kTxt},
                               {"multi.mailverify.test", DnsType::kTxt},
                               {"nope.mailverify.test", DnsType::kTxt},
                               {"nodata.mailverify.test", DnsType::kTxt},
                               {"mx1.mailverify.test", DnsType::kA}};
  std::vector<DnsQuestion> batch;
  for (size_t i = 0; i < n; ++i) batch.push_back(kinds[i % std::size(kinds)]);
  return batch;
}

void BM_LiveLookups(benchmark::State& state) {
  const char* port = std::getenv("MV_DNS_PORT");
  LiveDnsOptions o;
  o.servers = {std::string("127.0.0.1:") + (port && *port ? port : "53535")};
  o.max_in_flight = static_cast<size_t>(state.range(0));
  o.timeout_ms = 2000;
  Result<std::unique_ptr<LiveDnsSource>> live = LiveDnsSource::Create(o);
  if (!live.ok()) {
    state.SkipWithError(live.error().c_str());
    return;
  }
  if (!(*live)->Lookup("mailverify.test", DnsType::kTxt).ok()) {
    state.SkipWithError("no test DNS server on 127.0.0.1 (run scripts/dns-server start)");
    return;
  }
  const std::vector<DnsQuestion> batch = LiveBatch(4096);
  size_t failed = 0;
  for (auto _ : state) {
    std::vector<DnsAnswer> answers = (*live)->LookupMany(batch);
    for (const DnsAnswer& a : answers) {
      failed += a.status == DnsStatus::kTempError || a.status == DnsStatus::kPermError;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
  state.counters["failed"] = static_cast<double>(failed);
}
BENCHMARK(BM_LiveLookups)->Arg(1)->Arg(16)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace mv

BENCHMARK_MAIN();
