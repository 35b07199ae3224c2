#include "dns/dns_cache.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <future>
#include <list>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "dns/live_source.h"
#include "dns/registrable_domain.h"

namespace mv {
namespace {

constexpr size_t kMaxShards = 32;

size_t HashOf(std::string_view name, DnsType type) {
  return std::hash<std::string_view>{}(name) ^ (static_cast<size_t>(type) * 0x9e3779b97f4a7c15ULL);
}

// A cache key carries its hash: it picks the shard and the bucket, computed once per lookup.
struct Key {
  std::string name;  // normalized (NormalizeDnsName)
  DnsType type;
  size_t hash;
};

// What a lookup searches with: the caller's name when it is already normalized, so that a hit
// builds no string.
struct KeyView {
  std::string_view name;
  DnsType type;
  size_t hash;
};

struct KeyHash {
  using is_transparent = void;
  size_t operator()(const Key& k) const { return k.hash; }
  size_t operator()(const KeyView& k) const { return k.hash; }
};

struct KeyEqual {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return a.hash == b.hash && a.type == b.type && std::string_view(a.name) == b.name;
  }
};

Key MakeKey(std::string name, DnsType type) {
  const size_t hash = HashOf(name, type);
  return Key{std::move(name), type, hash};
}

// `name` without its trailing dot when that is already the normalized form (no upper-case
// letter), which is how the protocol modules ask; false when NormalizeDnsName must build it.
bool NormalizedView(std::string_view name, std::string_view* out) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') return false;
  }
  *out = name;
  return true;
}

// The cache key of (name, type) without copying `name` when it is already normalized; otherwise
// the normalized name is built in `*storage`, which must outlive the returned view.
KeyView ProbeKey(std::string_view name, DnsType type, std::string* storage) {
  std::string_view view;
  if (!NormalizedView(name, &view)) {
    *storage = NormalizeDnsName(name);
    view = *storage;
  }
  return KeyView{view, type, HashOf(view, type)};
}

using SharedAnswer = std::shared_ptr<const DnsAnswer>;

// One upstream query that several askers may wait on: blocked threads on the future, suspended
// tasks through a callback.
struct Flight {
  std::promise<SharedAnswer> promise;
  std::shared_future<SharedAnswer> future = promise.get_future().share();
  std::vector<std::function<void()>> callbacks;  // guarded by the shard's mutex
};

// Counts down the flights a PrefetchAsync call waits for; the last one runs `done`.
struct Countdown {
  std::atomic<size_t> pending{1};  // 1 for the call itself, released when it has sent everything
  std::function<void()> done;

  void Add() { pending.fetch_add(1, std::memory_order_relaxed); }
  void Release() {
    if (pending.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    std::function<void()> callback = std::move(done);
    delete this;
    callback();
  }
};

struct Entry {
  Key key;
  SharedAnswer answer;
  DnsClock::TimePoint expires;
  std::shared_ptr<Flight> flight;  // set while the query is in flight; the answer is not valid yet
};

// Aligned so that threads working on neighbouring shards do not share a cache line.
struct alignas(64) Shard {
  std::mutex mu;
  // The per-lookup counters, kept under mu (which every lookup takes anyway) rather than as
  // process-wide atomics that every thread would write.
  uint64_t lookups = 0, hits = 0, misses = 0, coalesced = 0;
  std::list<Entry> lru;  // most recently used first
  std::unordered_map<Key, std::list<Entry>::iterator, KeyHash, KeyEqual> index;
};

bool IsFailure(const DnsAnswer& a) {
  return a.status == DnsStatus::kTempError || a.status == DnsStatus::kPermError;
}

}  // namespace

class DnsCache::Impl {
 public:
  DnsResolver* source() const { return source_; }

  Impl(DnsResolver* source, DnsCacheOptions options)
      : source_(source),
        options_(options),
        clock_(options.clock ? options.clock : &SteadyDnsClock::Instance()),
        shard_count_(std::clamp<size_t>(options.max_entries, 1, kMaxShards)),
        per_shard_cap_(std::max<size_t>(1, options.max_entries / shard_count_)),
        shards_(new Shard[shard_count_]) {}

  SharedAnswer Lookup(std::string_view name, DnsType type) {
    std::string normalized;
    const KeyView probe = ProbeKey(name, type, &normalized);
    const std::string_view view = probe.name;
    Shard& shard = ShardFor(probe.hash);
    const DnsClock::TimePoint now = clock_->Now();
    std::shared_ptr<Flight> mine;
    Key key;
    {
      std::unique_lock<std::mutex> lock(shard.mu);
      ++shard.lookups;
      auto it = shard.index.find(probe);
      if (it != shard.index.end()) {
        Entry& e = *it->second;
        if (e.flight) {
          ++shard.misses;
          ++shard.coalesced;
          std::shared_future<SharedAnswer> future = e.flight->future;
          lock.unlock();
          return future.get();
        }
        if (now < e.expires) {
          ++shard.hits;
          shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
          return e.answer;
        }
      } else if (!IsQueryableDnsName(view)) {
        // Only queryable names ever enter the index, so a name found there needs no check.
        // Decided here for every source alike, so that a zone replay of a live run agrees.
        lock.unlock();
        auto bad = std::make_shared<DnsAnswer>();
        bad->status = DnsStatus::kPermError;
        bad->source = "cache";
        bad->error = "not a queryable DNS name: '" + std::string(view) + "'";
        return bad;
      }
      ++shard.misses;
      key = Key{std::string(view), type, probe.hash};
      DnsAnswer held;
      if (HeldAnswer(key.name, now, &held))
        return std::make_shared<const DnsAnswer>(std::move(held));
      mine = std::make_shared<Flight>();
      BeginFlightLocked(shard, key, it, mine);
    }
    queries_.fetch_add(1, std::memory_order_relaxed);
    auto answer = std::make_shared<const DnsAnswer>(source_->Lookup(key.name, type));
    Complete(shard, key, mine, answer);
    return answer;
  }

  void Prefetch(std::span<const DnsQuestion> questions) {
    // A question another caller is asking is left to it: Lookup will wait for that flight.
    const std::vector<Job> jobs = ClaimQueries(questions, [](Flight&) {});
    if (jobs.empty()) return;
    queries_.fetch_add(jobs.size(), std::memory_order_relaxed);
    CompleteJobs(jobs, source_->LookupMany(QuestionsOf(jobs)));
  }

  SharedAnswer Peek(std::string_view name, DnsType type) {
    std::string normalized;
    const KeyView probe = ProbeKey(name, type, &normalized);
    const std::string_view view = probe.name;
    Shard& shard = ShardFor(probe.hash);
    const DnsClock::TimePoint now = clock_->Now();
    {
      std::lock_guard<std::mutex> lock(shard.mu);
      auto it = shard.index.find(probe);
      if (it != shard.index.end()) {
        const Entry& e = *it->second;
        if (e.flight) return nullptr;
        if (now < e.expires) return e.answer;
      } else if (!IsQueryableDnsName(view)) {
        return Lookup(name, type);  // answered at once, without a query
      }
    }
    // A held domain is answered at once too; the answer Lookup will give.
    if (IsHeld(std::string(view), now)) return Lookup(name, type);
    return nullptr;
  }

  void PrefetchAsync(std::span<const DnsQuestion> questions, std::function<void()> done) {
    auto* countdown = new Countdown;
    countdown->done = std::move(done);
    std::vector<Job> jobs = ClaimQueries(questions, [countdown](Flight& flight) {
      // Another batch asked first: wait for its answer instead of asking again.
      countdown->Add();
      flight.callbacks.push_back([countdown] { countdown->Release(); });
    });
    if (!jobs.empty()) {
      queries_.fetch_add(jobs.size(), std::memory_order_relaxed);
      countdown->Add();
      std::vector<DnsQuestion> ask = QuestionsOf(jobs);
      source_->LookupManyAsync(std::move(ask), [this, jobs = std::move(jobs),
                                                countdown](std::vector<DnsAnswer> answers) {
        CompleteJobs(jobs, std::move(answers));
        countdown->Release();
      });
    }
    countdown->Release();
  }

  DnsStats stats() const {
    DnsStats s;
    s.held = held_.load(std::memory_order_relaxed);
    s.queries = queries_.load(std::memory_order_relaxed);
    s.failures = failures_.load(std::memory_order_relaxed);
    s.timeouts = timeouts_.load(std::memory_order_relaxed);
    s.holds = holds_started_.load(std::memory_order_relaxed);
    s.evictions = evictions_.load(std::memory_order_relaxed);
    for (size_t i = 0; i < shard_count_; ++i) {
      std::lock_guard<std::mutex> lock(shards_[i].mu);
      s.lookups += shards_[i].lookups;
      s.hits += shards_[i].hits;
      s.misses += shards_[i].misses;
      s.coalesced += shards_[i].coalesced;
      s.entries += shards_[i].index.size();
    }
    return s;
  }

 private:
  using Index = std::unordered_map<Key, std::list<Entry>::iterator, KeyHash, KeyEqual>;

  Shard& ShardFor(size_t hash) { return shards_[hash % shard_count_]; }

  // A question this cache sent to the source for a Prefetch batch.
  struct Job {
    Shard* shard;
    Key key;
    std::shared_ptr<Flight> flight;
  };

  // The questions of a prefetch that need a query, each marked in flight: every queryable
  // question (once per call) without a fresh entry, a flight or a hold. For one already in
  // flight, `in_flight` is called with that flight under its shard's lock. A held domain needs
  // no query: Lookup will answer temperror at once.
  template <typename InFlight>
  std::vector<Job> ClaimQueries(std::span<const DnsQuestion> questions, InFlight&& in_flight) {
    const DnsClock::TimePoint now = clock_->Now();
    std::vector<Job> jobs;
    std::unordered_set<Key, KeyHash, KeyEqual> seen;
    for (const DnsQuestion& q : questions) {
      Key key = MakeKey(NormalizeDnsName(q.name), q.type);
      if (!IsQueryableDnsName(key.name) || !seen.insert(key).second) continue;
      Shard& shard = ShardFor(key.hash);
      std::lock_guard<std::mutex> lock(shard.mu);
      auto it = shard.index.find(key);
      if (it != shard.index.end() && it->second->flight) {
        in_flight(*it->second->flight);
        continue;
      }
      if (it != shard.index.end() && now < it->second->expires) continue;
      if (IsHeld(key.name, now)) continue;
      auto flight = std::make_shared<Flight>();
      BeginFlightLocked(shard, key, it, flight);
      jobs.push_back({&shard, std::move(key), std::move(flight)});
    }
    return jobs;
  }

  static std::vector<DnsQuestion> QuestionsOf(const std::vector<Job>& jobs) {
    std::vector<DnsQuestion> ask;
    ask.reserve(jobs.size());
    for (const Job& job : jobs) ask.push_back({job.key.name, job.key.type});
    return ask;
  }

  void CompleteJobs(const std::vector<Job>& jobs, std::vector<DnsAnswer> answers) {
    for (size_t i = 0; i < jobs.size(); ++i) {
      DnsAnswer answer;
      if (i < answers.size()) {
        answer = std::move(answers[i]);
      } else {
        answer.status = DnsStatus::kTempError;
        answer.error = "DNS source returned too few answers";
      }
      Complete(*jobs[i].shard, jobs[i].key, jobs[i].flight,
               std::make_shared<const DnsAnswer>(std::move(answer)));
    }
  }

  // Marks `key` as in flight, reusing a stale entry or adding one. Caller holds shard.mu.
  void BeginFlightLocked(Shard& shard, const Key& key, Index::iterator it,
                         std::shared_ptr<Flight> flight) {
    if (it != shard.index.end()) {
      it->second->flight = std::move(flight);
      shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
      return;
    }
    shard.lru.push_front(Entry{key, nullptr, DnsClock::TimePoint(), std::move(flight)});
    shard.index.emplace(key, shard.lru.begin());
    EvictLocked(shard);
  }

  void EvictLocked(Shard& shard) {
    auto victim = shard.lru.end();
    while (shard.index.size() > per_shard_cap_ && victim != shard.lru.begin()) {
      --victim;
      if (victim->flight) continue;  // its askers are waiting for it
      shard.index.erase(victim->key);
      victim = shard.lru.erase(victim);
      evictions_.fetch_add(1, std::memory_order_relaxed);
    }
  }

  // Stores the source's answer, wakes the askers waiting for it and starts a hold on a timeout.
  void Complete(Shard& shard, const Key& key, const std::shared_ptr<Flight>& flight,
                const SharedAnswer& shared) {
    const DnsAnswer& answer = *shared;
    const DnsClock::TimePoint now = clock_->Now();
    if (IsFailure(answer)) failures_.fetch_add(1, std::memory_order_relaxed);
    if (answer.timeout) {
      timeouts_.fetch_add(1, std::memory_order_relaxed);
      StartHold(key.name, now);
    }
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard<std::mutex> lock(shard.mu);
      callbacks.swap(flight->callbacks);
      auto it = shard.index.find(key);
      if (it == shard.index.end()) {  // evicted while in flight cannot happen; re-added if it did
        shard.lru.push_front(Entry{key, shared, ExpiryFor(answer, now), nullptr});
        shard.index.emplace(key, shard.lru.begin());
        EvictLocked(shard);
      } else if (it->second->flight == flight) {
        it->second->answer = shared;
        it->second->expires = ExpiryFor(answer, now);
        it->second->flight.reset();
      }
    }
    flight->promise.set_value(shared);
    for (std::function<void()>& callback : callbacks) callback();
  }

  DnsClock::TimePoint ExpiryFor(const DnsAnswer& a, DnsClock::TimePoint now) const {
    uint32_t ttl;
    switch (a.status) {
      case DnsStatus::kOk:
        ttl = std::max(options_.min_ttl, std::min(a.ttl, options_.max_ttl));
        break;
      case DnsStatus::kNxDomain:
      case DnsStatus::kNoData:
        ttl = std::max(options_.min_ttl, std::min(a.ttl, options_.max_negative_ttl));
        break;
      default:
        ttl = options_.failure_ttl;
    }
    return now + std::chrono::seconds(ttl);
  }

  void StartHold(const std::string& name, DnsClock::TimePoint now) {
    if (options_.hold_seconds == 0) return;
    std::string domain = RegistrableDomain(name);
    std::lock_guard<std::mutex> lock(hold_mu_);
    holds_.insert_or_assign(domain, now + std::chrono::seconds(options_.hold_seconds));
    any_hold_.store(true, std::memory_order_release);
    holds_started_.fetch_add(1, std::memory_order_relaxed);
  }

  bool IsHeld(const std::string& name, DnsClock::TimePoint now) {
    if (!any_hold_.load(std::memory_order_acquire)) return false;
    std::string domain = RegistrableDomain(name);
    std::lock_guard<std::mutex> lock(hold_mu_);
    auto it = holds_.find(domain);
    if (it == holds_.end()) return false;
    if (now < it->second) return true;
    holds_.erase(it);
    if (holds_.empty()) any_hold_.store(false, std::memory_order_release);
    return false;
  }

  bool HeldAnswer(const std::string& name, DnsClock::TimePoint now, DnsAnswer* out) {
    if (!IsHeld(name, now)) return false;
    held_.fetch_add(1, std::memory_order_relaxed);
    out->status = DnsStatus::kTempError;
    out->source = "hold";
    out->error = "DNS for " + RegistrableDomain(name) + " on hold after a timeout";
    return true;
  }

  DnsResolver* source_;
  DnsCacheOptions options_;
  const DnsClock* clock_;
  size_t shard_count_;
  size_t per_shard_cap_;
  std::unique_ptr<Shard[]> shards_;
  std::mutex hold_mu_;
  std::unordered_map<std::string, DnsClock::TimePoint> holds_;  // registrable domain -> until
  std::atomic<bool> any_hold_{false};
  std::atomic<uint64_t> held_{0}, queries_{0}, failures_{0}, timeouts_{0}, holds_started_{0},
      evictions_{0};
};

DnsCache::DnsCache(DnsResolver* source, DnsCacheOptions options)
    : impl_(std::make_unique<Impl>(source, options)) {}
DnsCache::~DnsCache() = default;

DnsAnswer DnsCache::Lookup(std::string_view name, DnsType type) {
  return *impl_->Lookup(name, type);
}

std::shared_ptr<const DnsAnswer> DnsCache::LookupShared(std::string_view name, DnsType type) {
  return impl_->Lookup(name, type);
}

void DnsCache::Prefetch(std::span<const DnsQuestion> questions) {
  impl_->Prefetch(questions);
}

std::shared_ptr<const DnsAnswer> DnsCache::Peek(std::string_view name, DnsType type) {
  return impl_->Peek(name, type);
}

void DnsCache::PrefetchAsync(std::span<const DnsQuestion> questions, std::function<void()> done) {
  impl_->PrefetchAsync(questions, std::move(done));
}

size_t DnsCache::QueuedQuestions() const {
  return impl_->source()->QueuedQuestions();
}

std::vector<DnsAnswer> DnsCache::LookupMany(std::span<const DnsQuestion> questions) {
  impl_->Prefetch(questions);
  std::vector<DnsAnswer> answers;
  answers.reserve(questions.size());
  for (const DnsQuestion& q : questions) answers.push_back(*impl_->Lookup(q.name, q.type));
  return answers;
}

DnsStats DnsCache::stats() const {
  return impl_->stats();
}

}  // namespace mv
