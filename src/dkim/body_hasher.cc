#include "dkim/body_hasher.h"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace mv {
namespace {

constexpr char kCrlf[] = "\r\n";
constexpr char kSpace[] = " ";
// Runs at least this long are fed to the digests in place; shorter ones are staged.
constexpr size_t kDirectRun = 512;

// Bytes the relaxed body loop must look at: WSP and line-end bytes.
constexpr std::array<bool, 256> kRelaxedSpecial = [] {
  std::array<bool, 256> t{};
  t[' '] = t['\t'] = t['\r'] = t['\n'] = true;
  return t;
}();

bool Special(char c) {
  return kRelaxedSpecial[static_cast<unsigned char>(c)];
}

const char* FindRelaxedStopScalar(const char* p, const char* end) {
  for (; p < end; ++p) {
    const char c = *p;
    if (c == '\t' || c == '\r' || c == '\n') return p;
    if (c == ' ' && (p + 1 == end || Special(p[1]))) return p;
  }
  return end;
}

// The stop mask of 64 bytes: bit k is set when byte k is HTAB, CR or LF, or an SP followed by WSP,
// CR or LF. The byte after the block is not looked at, so an SP in the last lane is always a stop;
// the caller then treats it as a one-byte WSP run, which gives the same output.
uint64_t StopMask(uint64_t spaces, uint64_t controls) {
  const uint64_t next_is_special = ((spaces | controls) >> 1) | (uint64_t{1} << 63);
  return controls | (spaces & next_is_special);
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
  return StopMask(spaces, controls);
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
  return StopMask(spaces, controls);
}

using StopMaskFn = uint64_t (*)(const char*);
const StopMaskFn kStopMask = __builtin_cpu_supports("avx2") ? StopMask64Avx2 : StopMask64Sse2;
#endif

// Finds the positions where relaxed canonicalization may change the bytes (see StopMask) in one
// chunk. Bodies are mostly short lines, so the SIMD work is done once per 64 bytes and kept as a
// bit mask that the following lines consume, instead of a new scan from each line's start.
class RelaxedStops {
 public:
  explicit RelaxedStops(const char* end) : end_(end) {}

  // The first stop in [p, end), or end.
  const char* Next(const char* p) {
#if defined(__x86_64__)
    while (true) {
      const size_t offset = static_cast<size_t>(p - base_);
      if (offset < 64) {
        const uint64_t m = mask_ & (~uint64_t{0} << offset);
        if (m != 0) return base_ + __builtin_ctzll(m);
        p = base_ + 64;
      }
      if (end_ - p < 64) break;
      base_ = p;
      mask_ = kStopMask(p);
    }
#endif
    return FindRelaxedStopScalar(p, end_);
  }

 private:
  const char* end_;
  const char* base_ = nullptr;  // the block the mask describes
  uint64_t mask_ = 0;
};

}  // namespace

size_t BodyHasher::AddTarget(DkimHash hash, std::optional<uint64_t> limit) {
  targets_.push_back(Target{Digest(hash), limit, 0, {}});
  return targets_.size() - 1;
}

void BodyHasher::Update(std::string_view chunk) {
  const char* p = chunk.data();
  const char* end = p + chunk.size();
  if (p == end) return;
  if (held_cr_) {
    held_cr_ = false;
    if (*p == '\n') {
      EndLine(nullptr);
      ++p;
    } else {
      Content("\r", 1);
    }
  }
  if (canon_ == Canon::kSimple) {
    UpdateSimple(p, end);
  } else {
    UpdateRelaxed(p, end);
  }
  // Views into this chunk must not outlive the call.
  FlushRun();
  space_ptr_ = nullptr;
}

void BodyHasher::UpdateSimple(const char* p, const char* end) {
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (nl == nullptr) {
      const char* stop = end;
      if (end[-1] == '\r') {
        held_cr_ = true;
        --stop;
      }
      if (stop > p) Content(p, static_cast<size_t>(stop - p));
      return;
    }
    const bool crlf = nl > p && nl[-1] == '\r';
    const char* content_end = crlf ? nl - 1 : nl;
    if (content_end > p) Content(p, static_cast<size_t>(content_end - p));
    EndLine(crlf ? nl - 1 : nullptr);
    p = nl + 1;
  }
}

void BodyHasher::UpdateRelaxed(const char* p, const char* end) {
  RelaxedStops stops(end);
  while (p < end) {
    const char c = *p;
    if (!Special(c)) {
      // A run of content; a single SP between content bytes is kept as it is.
      const char* q = stops.Next(p + 1);
      if (q < end && *q == '\n' && !line_has_content_ && !pending_space_) {
        // The usual line of an mbox body: plain text ended by a bare LF. It goes to staging with
        // its CRLF in one step; the general path would make the two separate runs.
        StagePlainLine(p, static_cast<size_t>(q - p));
        p = q + 1;
        continue;
      }
      Content(p, static_cast<size_t>(q - p));
      p = q;
    } else if (c == ' ' || c == '\t') {
      const char* q = p + 1;
      while (q < end && (*q == ' ' || *q == '\t')) ++q;
      if (!pending_space_) {
        pending_space_ = true;
        space_ptr_ = c == ' ' ? p : nullptr;  // emit the run's first SP in place
      } else {
        space_ptr_ = nullptr;
      }
      p = q;
    } else if (c == '\n') {
      EndLine(nullptr);
      ++p;
    } else if (p + 1 == end) {  // CR at the end of the chunk
      held_cr_ = true;
      ++p;
    } else if (p[1] == '\n') {
      EndLine(p);
      p += 2;
    } else {
      Content(p, 1);  // a lone CR is content
      ++p;
    }
  }
}

void BodyHasher::StagePlainLine(const char* p, size_t n) {
  FlushRun();
  any_content_ = true;
  if (staged_ + 2 * pending_empty_ + n + 2 > staging_.size()) FlushStaging();
  if (2 * pending_empty_ + n + 2 > staging_.size()) {  // too long for staging: the general path
    Content(p, n);
    EndLine(nullptr);
    return;
  }
  char* w = staging_.data() + staged_;
  for (; pending_empty_ > 0; --pending_empty_) {
    std::memcpy(w, kCrlf, 2);
    w += 2;
  }
  std::memcpy(w, p, n);
  std::memcpy(w + n, kCrlf, 2);
  staged_ = static_cast<size_t>(w + n + 2 - staging_.data());
}

void BodyHasher::Content(const char* p, size_t n) {
  if (!line_has_content_) {
    for (; pending_empty_ > 0; --pending_empty_) Emit(kCrlf, 2);
    line_has_content_ = true;
    any_content_ = true;
  }
  if (pending_space_) {
    Emit(space_ptr_ != nullptr ? space_ptr_ : kSpace, 1);
    pending_space_ = false;
    space_ptr_ = nullptr;
  }
  Emit(p, n);
}

void BodyHasher::EndLine(const char* crlf) {
  pending_space_ = false;  // WSP at the end of a line is ignored (relaxed)
  space_ptr_ = nullptr;
  if (line_has_content_) {
    Emit(crlf != nullptr ? crlf : kCrlf, 2);
    line_has_content_ = false;
  } else {
    ++pending_empty_;
  }
}

void BodyHasher::Emit(const char* p, size_t n) {
  if (run_len_ > 0 && run_ + run_len_ == p) {
    run_len_ += n;
    return;
  }
  FlushRun();
  run_ = p;
  run_len_ = n;
}

void BodyHasher::FlushRun() {
  if (run_len_ == 0) return;
  if (run_len_ >= kDirectRun) {
    FlushStaging();
    Feed(run_, run_len_);
  } else {
    if (staged_ + run_len_ > staging_.size()) FlushStaging();
    std::memcpy(staging_.data() + staged_, run_, run_len_);
    staged_ += run_len_;
  }
  run_len_ = 0;
}

void BodyHasher::FlushStaging() {
  if (staged_ == 0) return;
  Feed(staging_.data(), staged_);
  staged_ = 0;
}

void BodyHasher::Feed(const char* p, size_t n) {
  canonical_length_ += n;
  for (Target& t : targets_) {
    size_t take = n;
    if (t.limit) {
      if (t.hashed >= *t.limit) continue;
      if (*t.limit - t.hashed < take) take = static_cast<size_t>(*t.limit - t.hashed);
    }
    t.digest.Update(p, take);
    t.hashed += take;
  }
}

void BodyHasher::Finish() {
  if (finished_) return;
  finished_ = true;
  if (held_cr_) {
    held_cr_ = false;
    Content("\r", 1);
  }
  pending_space_ = false;
  if (line_has_content_) {
    Emit(kCrlf, 2);  // the last line had no line break
  } else if (!any_content_ && canon_ == Canon::kSimple) {
    Emit(kCrlf, 2);  // simple: an empty body is one CRLF; relaxed: nothing
  }
  FlushRun();
  FlushStaging();
  for (Target& t : targets_) t.result = t.digest.Final();
}

BodyHash ComputeBodyHash(Canon canon, DkimHash hash, std::optional<uint64_t> limit,
                         std::string_view body) {
  BodyHasher hasher(canon);
  hasher.AddTarget(hash, limit);
  hasher.Update(body);
  hasher.Finish();
  return BodyHash{hasher.digest(0), hasher.hashed_bytes(0), hasher.canonical_length()};
}

}  // namespace mv
