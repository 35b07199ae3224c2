// Helpers shared by the DNS tests: a source that counts its questions and can be made to block,
// so cache behaviour (single-flight, expiry, holds) is observed through counts, not timing.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

#include "dns/memory_source.h"

namespace mv {

class CountingSource : public DnsResolver {
 public:
  explicit CountingSource(DnsResolver* inner) : inner_(inner) {}

  DnsAnswer Lookup(std::string_view name, DnsType type) override {
    lookups_.fetch_add(1);
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++waiting_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !blocked_; });
      --waiting_;
    }
    return inner_->Lookup(name, type);
  }

  std::vector<DnsAnswer> LookupMany(std::span<const DnsQuestion> questions) override {
    batches_.fetch_add(1);
    batch_questions_.fetch_add(questions.size());
    return DnsResolver::LookupMany(questions);
  }

  // While blocked, Lookup calls wait; WaitForWaiting(n) returns once n of them are waiting.
  void Block() {
    std::lock_guard<std::mutex> lock(mu_);
    blocked_ = true;
  }
  void Unblock() {
    std::lock_guard<std::mutex> lock(mu_);
    blocked_ = false;
    cv_.notify_all();
  }
  void WaitForWaiting(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return waiting_ >= n; });
  }

  int lookups() const { return lookups_.load(); }
  int batches() const { return batches_.load(); }
  int batch_questions() const { return batch_questions_.load(); }

 private:
  DnsResolver* inner_;
  std::atomic<int> lookups_{0}, batches_{0}, batch_questions_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool blocked_ = false;
  int waiting_ = 0;
};

// "n<i>.example", built with append: GCC 12 warns (-Wrestrict) on "n" + std::to_string(i) + "...".
inline std::string NumberedName(int i) {
  std::string s("n");
  s += std::to_string(i);
  s += ".example";
  return s;
}

inline std::string ZonePath(const std::string& file) {
  return std::string(MV_TEST_DATA) + "/zones/" + file;
}

}  // namespace mv
