#include "dkim/relaxed_stops.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace mv::relaxed_stops_detail {
namespace {

bool IsSpecial(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

uint64_t Combine(uint64_t spaces, uint64_t controls) {
  const uint64_t next_is_special = ((spaces | controls) >> 1) | (uint64_t{1} << 63);
  return controls | (spaces & next_is_special);
}

uint64_t StopMask64Plain(const char* p) {
  uint64_t spaces = 0, controls = 0;
  for (int k = 0; k < 64; ++k) {
    const char c = p[k];
    spaces |= uint64_t{c == ' '} << k;
    controls |= uint64_t{c == '\t' || c == '\r' || c == '\n'} << k;
  }
  return Combine(spaces, controls);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) uint64_t StopMask64Avx2(const char* p) {
  const __m256i sp = _mm256_set1_epi8(' '), tab = _mm256_set1_epi8('\t');
  const __m256i cr = _mm256_set1_epi8('\r'), lf = _mm256_set1_epi8('\n');
  uint64_t spaces = 0, controls = 0;
  for (int half = 0; half < 2; ++half) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * half));
    const auto s = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, sp)));
    const auto c = static_cast<uint32_t>(_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_cmpeq_epi8(a, tab),
                        _mm256_or_si256(_mm256_cmpeq_epi8(a, cr), _mm256_cmpeq_epi8(a, lf)))));
    spaces |= uint64_t{s} << (32 * half);
    controls |= uint64_t{c} << (32 * half);
  }
  return Combine(spaces, controls);
}

uint64_t StopMask64Sse2(const char* p) {
  const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
  const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');
  uint64_t spaces = 0, controls = 0;
  for (int quarter = 0; quarter < 4; ++quarter) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * quarter));
    const auto s = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(a, sp)));
    const auto c = static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(a, tab), _mm_or_si128(_mm_cmpeq_epi8(a, cr), _mm_cmpeq_epi8(a, lf)))));
    spaces |= uint64_t{s} << (16 * quarter);
    controls |= uint64_t{c} << (16 * quarter);
  }
  return Combine(spaces, controls);
}

using StopMaskFn = uint64_t (*)(const char*);
const StopMaskFn kStopMask = __builtin_cpu_supports("avx2") ? StopMask64Avx2 : StopMask64Sse2;
#else
const auto kStopMask = StopMask64Plain;
#endif

}  // namespace

uint64_t StopMask64(const char* p) {
  return kStopMask(p);
}

const char* FindScalar(const char* p, const char* end) {
  for (; p < end; ++p) {
    const char c = *p;
    if (c == '\t' || c == '\r' || c == '\n') return p;
    if (c == ' ' && (p + 1 == end || IsSpecial(p[1]))) return p;
  }
  return end;
}

uint64_t StopMask64ForTest(const char* p, int variant) {
#if defined(__x86_64__)
  if (variant == 1) return StopMask64Sse2(p);
  if (variant == 2 && __builtin_cpu_supports("avx2")) return StopMask64Avx2(p);
#endif
  (void)variant;
  return StopMask64Plain(p);
}

}  // namespace mv::relaxed_stops_detail
