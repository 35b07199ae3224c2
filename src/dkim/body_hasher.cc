#include "dkim/body_hasher.h"

#include <cstring>

#include "dkim/relaxed_stops.h"

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
