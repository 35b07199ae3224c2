// RttEstimate: how long the resolver takes to answer, smoothed the way TCP's retransmission timer
// is (RFC 6298 2: srtt and rttvar with gains 1/8 and 1/4), so that the live source can tell a query
// that is merely slow from one that waits on a dead server. Single-threaded (the DNS loop's).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace mv {

class RttEstimate {
 public:
  using Duration = std::chrono::microseconds;

  // The time one query took from sending to its answer (first try only: a retried query's time
  // says nothing about the resolver's).
  void Add(Duration sample) {
    const double r = static_cast<double>(sample.count());
    if (samples_++ == 0) {
      srtt_ = r;
      rttvar_ = r / 2;
    } else {
      rttvar_ = 0.75 * rttvar_ + 0.25 * std::fabs(srtt_ - r);
      srtt_ = 0.875 * srtt_ + 0.125 * r;
    }
  }

  uint64_t samples() const { return samples_; }

  // srtt + 4 rttvar (RFC 6298's RTO), within [floor, ceiling]; the ceiling until a first sample.
  Duration Limit(Duration floor, Duration ceiling) const {
    if (samples_ == 0) return ceiling;
    const Duration rto(static_cast<int64_t>(srtt_ + 4 * rttvar_));
    return std::clamp(rto, std::min(floor, ceiling), ceiling);
  }

 private:
  double srtt_ = 0;    // microseconds
  double rttvar_ = 0;  // microseconds
  uint64_t samples_ = 0;
};

}  // namespace mv
