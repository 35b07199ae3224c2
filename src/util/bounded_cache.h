// BoundedCache: a thread-safe memo of a pure function of a string (the organizational domain of a
// name, a parsed DNS record of a given text). An archive repeats the same few hundred domains and
// records in thousands of messages, so most calls are hits. Memory is bounded: the keys are split
// over shards by hash, and a shard that reaches its share of the capacity is emptied before the
// next insert. Since the function is pure, what is evicted only costs a recomputation; no result
// depends on what the cache holds.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace mv {

// Value must be copyable; make it a shared_ptr<const T> when T is large or holds views into the
// key.
template <typename Value>
class BoundedCache {
 public:
  explicit BoundedCache(size_t capacity)
      : shard_capacity_(capacity / kShards > 0 ? capacity / kShards : 1) {}

  BoundedCache(const BoundedCache&) = delete;
  BoundedCache& operator=(const BoundedCache&) = delete;

  // The value cached for `key`, or make(key) stored and returned. make runs outside the lock, so
  // two threads missing on the same key may both compute it; the first stored value is kept and
  // both get a value equal to it.
  template <typename Make>
  Value GetOrCompute(std::string_view key, Make&& make) {
    const size_t hash = std::hash<std::string_view>()(key);
    Shard& shard = shards_[hash % kShards];
    {
      std::lock_guard<std::mutex> lock(shard.mutex);
      auto it = shard.map.find(key);
      if (it != shard.map.end()) return it->second;
    }
    Value value = make(key);
    std::lock_guard<std::mutex> lock(shard.mutex);
    if (shard.map.size() >= shard_capacity_) shard.map.clear();
    return shard.map.try_emplace(std::string(key), std::move(value)).first->second;
  }

  // Entries held now, over all shards (for tests and metrics).
  size_t size() const {
    size_t n = 0;
    for (const Shard& s : shards_) {
      std::lock_guard<std::mutex> lock(s.mutex);
      n += s.map.size();
    }
    return n;
  }

  size_t capacity() const { return shard_capacity_ * kShards; }

 private:
  static constexpr size_t kShards = 16;

  // Lets find() take a string_view without building a std::string key.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Value, Hash, std::equal_to<>> map;
  };

  const size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
};

}  // namespace mv
