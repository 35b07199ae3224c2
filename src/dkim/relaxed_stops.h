// RelaxedStops: finds, in a byte range, the places where relaxed canonicalization (RFC 6376 3.4.2,
// 3.4.4) may change the bytes: HTAB, CR, LF, or an SP followed by WSP, CR, LF or the end. Every
// byte before such a stop is copied unchanged, so the canonicalizers copy runs instead of bytes.
// Text is mostly short lines, so the SIMD work is done once per 64 bytes and kept as a bit mask
// that successive calls consume, instead of a new scan from each line's start.
#pragma once

#include <cstdint>

namespace mv {

namespace relaxed_stops_detail {
// Stop bits of the 64 bytes at p (AVX2 when the CPU has it, else SSE2 or plain code). An SP in
// the last lane always counts as a stop: the byte after it is not looked at.
uint64_t StopMask64(const char* p);
const char* FindScalar(const char* p, const char* end);
// One implementation on purpose, for tests: 0 plain, 1 SSE2, 2 AVX2 (plain without the CPU).
uint64_t StopMask64ForTest(const char* p, int variant);
}  // namespace relaxed_stops_detail

class RelaxedStops {
 public:
  explicit RelaxedStops(const char* end) : end_(end) {}

  // The first stop in [p, end), or end. A stop may also be an SP followed by content (the last
  // lane of a block); callers treat it as a one-byte WSP run, which gives the same output.
  const char* Next(const char* p) {
    while (true) {
      // Integer arithmetic: before the first block base_ is null, not a pointer into the range.
      const uint64_t offset = reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(base_);
      if (offset < 64) {
        const uint64_t m = mask_ & (~uint64_t{0} << offset);
        if (m != 0) return base_ + __builtin_ctzll(m);
        p = base_ + 64;
      }
      if (end_ - p < 64) return relaxed_stops_detail::FindScalar(p, end_);
      base_ = p;
      mask_ = relaxed_stops_detail::StopMask64(p);
    }
  }

 private:
  const char* end_;
  const char* base_ = nullptr;  // the block the mask describes
  uint64_t mask_ = 0;
};

}  // namespace mv
