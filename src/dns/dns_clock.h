// DnsClock: the time source of the DNS cache, injectable so that TTL and hold expiry can be tested
// without sleeping. The default reads std::chrono::steady_clock (monotonic, cheap).
#pragma once

#include <atomic>
#include <chrono>

namespace mv {

class DnsClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~DnsClock() = default;
  virtual TimePoint Now() const = 0;
};

class SteadyDnsClock : public DnsClock {
 public:
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
  static const SteadyDnsClock& Instance() {
    static const SteadyDnsClock clock;
    return clock;
  }
};

// A clock that only moves when told to, for tests. Thread-safe.
class ManualDnsClock : public DnsClock {
 public:
  TimePoint Now() const override { return TimePoint(std::chrono::nanoseconds(now_ns_.load())); }
  void Advance(std::chrono::nanoseconds d) { now_ns_ += d.count(); }

 private:
  std::atomic<long long> now_ns_{1'000'000'000};
};

}  // namespace mv
