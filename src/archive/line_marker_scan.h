// FindLineMarker: the inner loop of mbox splitting. It looks for a line feed followed by 'F' (a
// possible "From " separator) or, when un-quoting, by '>' (a possible ">From " line), 16 bytes at a
// time with SSE2 (two overlapping loads compared at once), so the splitter touches each byte once
// and only inspects the rare candidate lines by hand.
#pragma once

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mv {

// First p in [begin, end - 1) with p[0] == '\n' and p[1] == 'F' (or '>' when `quotes`), else null.
inline const char* FindLineMarker(const char* begin, const char* end, bool quotes) {
  const char* p = begin;
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n');
  const __m128i f = _mm_set1_epi8('F');
  const __m128i gt = _mm_set1_epi8(quotes ? '>' : 'F');
  while (end - p >= 17) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
    __m128i follow = _mm_or_si128(_mm_cmpeq_epi8(b, f), _mm_cmpeq_epi8(b, gt));
    int mask = _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, nl), follow));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (end - p >= 2) {
    const char* nlp =
        static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p - 1)));
    if (nlp == nullptr) return nullptr;
    if (nlp[1] == 'F' || (quotes && nlp[1] == '>')) return nlp;
    p = nlp + 1;
  }
  return nullptr;
}

}  // namespace mv
