#include "archive/mbox_splitter.h"

#include <strings.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>

#include "archive/line_start_scan.h"
#include "archive/mapped_window.h"
#include "archive/mbox_postmark.h"

namespace mv {

namespace {

// Bytes kept before a scan position when the buffer moves, so that LineIsEmpty can look back.
constexpr uint64_t kLookBack = 2;

bool StartsWithFrom(const char* p) {
  return std::memcmp(p, "From ", 5) == 0;
}

// A UTF-8 byte order mark some Windows tools write in front of the first "From " line.
constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

bool FindContentLength(std::string_view m, uint64_t* length, size_t* body_offset) {
  constexpr std::string_view kName = "Content-Length:";
  bool have_length = false;
  uint64_t value = 0;
  const char* const begin = m.data();
  const char* const end = begin + m.size();
  const char* line = begin;
  // Only lines that start with 'C'/'c' or are empty matter; jump between them.
  while (line < end) {
    if (*line == '\n' || (*line == '\r' && end - line >= 2 && line[1] == '\n')) {
      if (!have_length) return false;  // the header block ended without Content-Length
      *length = value;
      *body_offset = static_cast<size_t>(line - begin) + (*line == '\n' ? 1 : 2);
      return true;
    }
    if (!have_length && static_cast<size_t>(end - line) > kName.size() &&
        strncasecmp(line, kName.data(), kName.size()) == 0) {
      const void* nl = std::memchr(line, '\n', static_cast<size_t>(end - line));
      const char* content_end = nl ? static_cast<const char*>(nl) : end;
      if (content_end > line && content_end[-1] == '\r') --content_end;
      const char* p = line + kName.size();
      while (p < content_end && (*p == ' ' || *p == '\t')) ++p;
      size_t digits = 0;
      uint64_t v = 0;
      while (p < content_end && *p >= '0' && *p <= '9' && digits < 18) {
        v = v * 10 + static_cast<uint64_t>(*p - '0');
        ++p;
        ++digits;
      }
      while (p < content_end && (*p == ' ' || *p == '\t')) ++p;
      if (digits > 0 && p == content_end) {
        have_length = true;
        value = v;
      }
    }
    const char* hit = FindLineStart<'C', 'c', '\n', '\r'>(line, end);
    if (hit == nullptr) break;
    line = hit + 1;
  }
  return false;  // no body: Content-Length cannot place anything
}

MboxSplitter::MboxSplitter(ByteSource* source, const ArchiveOptions& options, std::string_view head,
                           uint64_t begin, uint64_t end)
    : source_(source), options_(options), begin_(begin), end_(end) {
  options_.chunk_size = std::max<size_t>(options_.chunk_size, 64);
  cap_ = std::max(options_.chunk_size, head.size());
  buf_ = std::make_shared_for_overwrite<char[]>(cap_);
  data_ = buf_.get();
  std::memcpy(buf_.get(), head.data(), head.size());
  len_ = head.size();
  // A range far into the stream: drop what lies before it (lseek on plain files), keeping a few
  // bytes so the separator test can see the empty line in front of `begin`.
  if (begin_ > kLookBack + 1 && begin_ - kLookBack - 1 > len_) {
    uint64_t want = begin_ - kLookBack - 1 - len_;
    Result<uint64_t> skipped = source_->Skip(want);
    if (!skipped.ok()) {
      error_ = skipped.status();
      eof_ = true;
    } else if (*skipped < want) {
      eof_ = true;
    }
    base_ = len_ + (skipped.ok() ? *skipped : 0);
    len_ = 0;
  }
}

MboxSplitter::MboxSplitter(int fd, uint64_t file_size, const ArchiveOptions& options,
                           uint64_t begin, uint64_t end)
    : map_fd_(fd), file_size_(file_size), options_(options), begin_(begin), end_(end) {
  options_.chunk_size = std::max<size_t>(options_.chunk_size, 64);
  // Nothing is mapped yet; the first Fill maps from here. A range starts a few bytes early so the
  // separator test can see the empty line in front of `begin`.
  if (begin_ > kLookBack + 1) base_ = begin_ - kLookBack - 1;
}

bool MboxSplitter::LineIsEmpty(uint64_t nl) const {
  if (nl == 0) return true;
  if (nl - 1 < base_) return false;
  char c = *At(nl - 1);
  if (c == '\n') return true;
  if (c != '\r') return false;
  return nl - 1 == 0 || (nl - 2 >= base_ && *At(nl - 2) == '\n');
}

const char* MboxSplitter::FindCandidate(uint64_t scan, bool quotes) const {
  if (indexed_) {
    const uint64_t at = index_.Next(scan, End(), quotes, data_, base_);
    return at == LineStartIndex::kNone ? nullptr : At(at);
  }
  return quotes ? FindLineStart<'F', '>'>(At(scan), At(End()))
                : FindLineStart<'F'>(At(scan), At(End()));
}

MboxSplitter::Separator MboxSplitter::SeparatorAt(uint64_t nl) const {
  if (LineIsEmpty(nl)) return Separator::kYes;
  // Not after an empty line: a separator only if the whole line looks like a postmark.
  const uint64_t line = nl + 1;
  const size_t avail = static_cast<size_t>(std::min<uint64_t>(End() - line, kMaxPostmarkLine + 2));
  const void* lf = std::memchr(At(line), '\n', avail);
  size_t len = lf ? static_cast<size_t>(static_cast<const char*>(lf) - At(line)) : avail;
  if (lf == nullptr && avail <= kMaxPostmarkLine && !eof_) return Separator::kNeedMore;
  return LooksLikePostmark(std::string_view(At(line), len)) ? Separator::kYes : Separator::kNo;
}

bool MboxSplitter::ReadChunk(uint64_t keep_from) {
  if (eof_) return false;
  keep_from = std::clamp(keep_from, base_, End());
  const size_t keep = End() - keep_from;
  const size_t chunk = options_.chunk_size;
  const size_t min_room = std::max<size_t>(chunk / 4, 16);
  // One message may fill the buffer: grow it, but never far past max_message_size (the caller
  // stops keeping a message once it is longer than that).
  // Growth jumps straight to max_cap once doubling would reach max_message_size, so a message
  // that turns out too long costs one copy, not two.
  const size_t max_cap = std::max(chunk, options_.max_message_size + min_room + 8);
  size_t new_cap = cap_;
  if (keep + min_room > cap_) {
    new_cap = std::max(cap_ * 2, keep + min_room);
    if (new_cap >= options_.max_message_size) new_cap = std::max(max_cap, keep + min_room);
  } else if (cap_ > 2 * chunk && keep + min_room <= chunk) {
    new_cap = chunk;  // done with an oversized message: give the memory back
  }
  if (new_cap == cap_ && buf_.use_count() == 1) {
    // Nobody downstream holds this buffer: reuse it. use_count() is a relaxed load; the fence
    // orders our writes after the consumers' reads that preceded their (releasing) decrements.
    std::atomic_thread_fence(std::memory_order_acquire);
    if (keep > 0 && keep_from != base_) std::memmove(buf_.get(), At(keep_from), keep);
  } else {
    auto fresh = std::make_shared_for_overwrite<char[]>(new_cap);
    if (keep > 0) std::memcpy(fresh.get(), At(keep_from), keep);
    buf_ = std::move(fresh);
    cap_ = new_cap;
  }
  data_ = buf_.get();
  base_ = keep_from;
  len_ = keep;
  while (len_ < cap_) {
    Result<size_t> r = source_->Read(buf_.get() + len_, cap_ - len_);
    if (!r.ok()) {
      error_ = r.status();
      eof_ = true;
      break;
    }
    if (*r == 0) {
      // The end came before the size the file had at open: it shrank while being read (a mail
      // client rewriting it in place). Say so instead of ending as if the archive were shorter.
      const uint64_t size_at_open = source_->SizeHint();
      if (size_at_open > 0 && End() < size_at_open) {
        error_ = Status::Error("file shrank from " + std::to_string(size_at_open) + " to " +
                               std::to_string(End()) + " bytes while being read");
      }
      eof_ = true;
      break;
    }
    len_ += *r;
  }
  return len_ > keep;
}

bool MboxSplitter::MapWindow(uint64_t keep_from) {
  if (eof_) return false;
  keep_from = std::clamp(keep_from, base_, End());
  const uint64_t keep = End() - keep_from;
  const size_t chunk = options_.chunk_size;
  const size_t min_room = std::max<size_t>(chunk / 4, 16);
  // As with read buffers: a message that fills a window doubles the next one (so remapping a huge
  // message costs linear time), up to a little past max_message_size.
  uint64_t want = chunk;
  if (keep + min_room > chunk) {
    const uint64_t max_len = std::max(chunk, options_.max_message_size + min_room + 8);
    want = std::max<uint64_t>(2 * uint64_t{len_}, keep + min_room);
    if (want >= options_.max_message_size) want = std::max(max_len, keep + min_room);
  }
  // The size taken at open bounds every window. Each new window checks that the file has not
  // shrunk since: mapping past its end would raise SIGBUS at the first touch, so a shorter file
  // ends the stream with an error (like a failed read) instead.
  struct stat st;
  if (::fstat(map_fd_, &st) == 0 && static_cast<uint64_t>(st.st_size) < file_size_) {
    error_ = Status::Error("file shrank from " + std::to_string(file_size_) + " to " +
                           std::to_string(st.st_size) + " bytes while being read");
    file_size_ = static_cast<uint64_t>(st.st_size);
  }
  const uint64_t until = std::min(file_size_, keep_from + want);
  if (until <= End()) {
    eof_ = true;
    return false;
  }
  Result<std::shared_ptr<const char>> window =
      MapFileRange(map_fd_, keep_from, static_cast<size_t>(until - keep_from));
  if (!window.ok()) {
    error_ = window.status();
    eof_ = true;
    return false;
  }
  // Assigning drops the splitter's hold on the previous window; it is unmapped once the messages
  // that point into it are gone too.
  window_ = std::move(*window);
  data_ = window_.get();
  base_ = keep_from;
  len_ = static_cast<size_t>(until - keep_from);
  if (until == file_size_) eof_ = true;
  indexed_ = len_ >= options_.index_windows_from;
  if (indexed_) {
    index_.Build(data_, len_, base_);
  } else {
    index_.Clear();
  }
  return true;
}

MboxSplitter::Event MboxSplitter::InputError(RawMessage* out, uint64_t offset, uint64_t size,
                                             std::string reason) {
  out->buffer.reset();
  out->bytes = {};
  out->provenance.offset = offset;
  out->provenance.size = size;
  out->read_error = std::move(reason);
  out->input_error = true;
  return Event::kInputError;
}

MboxSplitter::Event MboxSplitter::Next(RawMessage* out) {
  // Drop the caller's hold on the previous buffer first, so that a consumer reusing `out` lets the
  // buffer be refilled in place instead of allocating a fresh one.
  out->buffer.reset();
  out->bytes = {};
  out->read_error.clear();
  out->input_error = false;
  if (state_ == State::kFindFirst) {
    Event event;
    if (FindFirst(out, &event)) return event;
  }
  if (state_ == State::kFinished) return Event::kEnd;
  return CutMessage(out);
}

// Positions pos_ on the first separator at or after begin_. Returns true with *event set when a
// record is to be handed on now (leading junk or a read error).
bool MboxSplitter::FindFirst(RawMessage* out, Event* event) {
  state_ = State::kFinished;
  uint64_t found = kNone;
  size_t bom = 0;
  if (begin_ == 0 && base_ == 0) {
    while (len_ < kBom.size() + 5 && Fill(0)) {
    }
    if (len_ >= 5 && StartsWithFrom(At(0))) {
      found = 0;
    } else if (len_ >= kBom.size() + 5 && std::string_view(At(0), kBom.size()) == kBom &&
               StartsWithFrom(At(kBom.size()))) {
      found = bom = kBom.size();
    }
  }
  uint64_t scan = std::max(begin_ > 0 ? begin_ - 1 : 0, base_);
  while (found == kNone) {
    const char* hit = scan + 2 <= End() ? FindCandidate(scan, false) : nullptr;
    if (hit == nullptr) {
      scan = std::max(scan, End() > 0 ? End() - 1 : 0);
      if (!Fill(scan > kLookBack ? scan - kLookBack : 0)) break;
      continue;
    }
    uint64_t nl = Abs(hit);
    if (End() - nl < 6) {
      scan = nl;  // resume at the candidate: Fill drops what lies before its look-back
      if (!Fill(nl > kLookBack ? nl - kLookBack : 0)) scan = nl + 1;
      continue;
    }
    if (StartsWithFrom(hit + 1)) {
      const Separator sep = SeparatorAt(nl);
      if (sep == Separator::kNeedMore) {
        scan = nl;
        if (!Fill(nl > kLookBack ? nl - kLookBack : 0)) scan = nl + 1;
        continue;
      }
      if (sep == Separator::kYes) found = nl + 1;
    }
    scan = nl + 1;
  }
  if (found == kNone) {
    if (!error_.ok()) {
      *event = InputError(out, End(), 0, error_.message());
      return true;
    }
    if (begin_ == 0 && End() > 0) {
      *event = InputError(out, 0, End(),
                          std::to_string(End()) + " bytes with no \"From \" separator line");
      return true;
    }
    return false;
  }
  if (found >= end_) return false;
  pos_ = found;
  state_ = State::kAtSeparator;
  if (begin_ == 0 && found > bom) {
    *event = InputError(out, 0, found,
                        std::to_string(found) +
                            " bytes before the first \"From \" separator line are not a message");
    return true;
  }
  return false;
}

MboxSplitter::Event MboxSplitter::CutMessage(RawMessage* out) {
  const uint64_t msg = pos_;
  const size_t max_size = options_.max_message_size;
  bool oversized = false;
  // Where the message's size is counted from: its first header line once that is known.
  uint64_t size_from = msg;
  // Asks for more bytes; a message past max_message_size stops being kept (only the look-back is).
  // Besides the message, the buffer holds at most the look-ahead of an unfinished separator test
  // ("\r\nFrom" is 7 bytes), so this never drops a message that fits.
  auto need_more = [&](uint64_t scan) {
    if (!oversized && End() - size_from > max_size + 7) {
      oversized = true;
      quotes_.clear();
    }
    return Fill(oversized ? (scan > kLookBack ? scan - kLookBack : 0) : msg);
  };

  // The "From " line is not part of the message.
  uint64_t hdr;
  uint64_t scan = msg;
  for (;;) {
    const void* nl = std::memchr(At(scan), '\n', End() - scan);
    if (nl != nullptr) {
      hdr = Abs(static_cast<const char*>(nl)) + 1;
      break;
    }
    scan = End();
    if (!need_more(scan)) {
      hdr = End();
      break;
    }
  }

  const MboxVariant variant = options_.mbox_variant;
  const bool unquote = variant == MboxVariant::kAuto || variant == MboxVariant::kMboxrd;
  quotes_.clear();
  uint64_t end_msg = 0;
  uint64_t next = kNone;
  bool at_eof = false;
  // Start at the From line's own line feed so a first line ">From " is seen too.
  scan = hdr > msg ? hdr - 1 : hdr;
  size_from = hdr;
  for (;;) {
    const char* hit = nullptr;
    if (End() - scan >= 2) {
      hit = FindCandidate(scan, unquote && !oversized);
    }
    if (hit == nullptr) {
      scan = std::max(scan, End() > 0 ? End() - 1 : 0);
      if (need_more(scan)) continue;
      at_eof = true;
      break;
    }
    const uint64_t nl = Abs(hit);
    if (hit[1] == 'F') {
      const Separator sep = End() - nl < 6             ? Separator::kNeedMore
                            : !StartsWithFrom(hit + 1) ? Separator::kNo
                                                       : SeparatorAt(nl);
      if (sep == Separator::kYes) {
        next = nl + 1;
        // Drop the separating empty line, if there is one (a postmark may follow text directly).
        end_msg = !LineIsEmpty(nl) ? nl + 1 : *At(nl - 1) == '\r' ? nl - 1 : nl;
        break;
      }
      if (sep == Separator::kNo) {
        scan = nl + 1;
        continue;
      }
    } else {
      const char* q = hit + 1;
      const char* e = At(End());
      while (q < e && *q == '>') ++q;
      if (e - q >= 5) {
        if (StartsWithFrom(q)) quotes_.push_back(nl + 1);
        scan = Abs(q);
        continue;
      }
    }
    // The candidate line runs past the buffered bytes.
    scan = nl;
    if (!need_more(scan)) scan = nl + 1;  // at EOF it cannot be a separator
  }

  if (at_eof) {
    if (!error_.ok()) {
      Event e = InputError(out, msg, End() - std::min(End(), hdr),
                           error_.message() + " (the message at offset " + std::to_string(msg) +
                               " is incomplete and is not handed on)");
      state_ = State::kFinished;
      return e;
    }
    end_msg = End();
    if (end_msg > hdr && *At(end_msg - 1) == '\n' && LineIsEmpty(end_msg - 1)) {
      end_msg -= (end_msg - 2 >= hdr && *At(end_msg - 2) == '\r') ? 2 : 1;
    }
  }

  if (!oversized && (variant == MboxVariant::kAuto || variant == MboxVariant::kMboxcl2)) {
    HonourContentLength(msg, hdr, &end_msg, &next);
  }
  if (end_msg - hdr > max_size) oversized = true;  // it fit in the last read, but is too long

  out->provenance.offset = msg;
  out->provenance.size = end_msg - hdr;
  if (oversized) {
    out->buffer.reset();
    out->bytes = {};
    out->read_error = "message of " + std::to_string(end_msg - hdr) +
                      " bytes exceeds the maximum message size of " + std::to_string(max_size) +
                      " bytes; skipped";
  } else {
    HandOn(hdr, end_msg, out);
  }
  pos_ = next;
  if (next == kNone || next >= end_) state_ = State::kFinished;
  return Event::kMessage;
}

// Hands on [hdr, end_msg) with one '>' dropped at each offset in quotes_ (mboxrd).
void MboxSplitter::HandOn(uint64_t hdr, uint64_t end_msg, RawMessage* out) {
  if (mapped() && MappedBytesDamaged(data_)) {
    // The file was cut under this window while it was split (mapped_window.h): what the message
    // holds past the cut are zeros, not the file's bytes.
    out->read_error = "the file was truncated while this message was read";
  }
  const size_t k = quotes_.size();
  const size_t n = end_msg - hdr - k;
  if (k == 0) {
    if (mapped()) {
      out->buffer = window_;
    } else {
      out->buffer = buf_;
    }
    out->bytes = std::string_view(At(hdr), n);
    return;
  }
  if (mapped()) {
    // A window is the page cache, read-only: the message gets its own copy.
    auto copy = std::make_shared_for_overwrite<char[]>(n);
    char* w = copy.get();
    uint64_t from = hdr;
    for (uint64_t quote : quotes_) {
      std::memcpy(w, At(from), quote - from);
      w += quote - from;
      from = quote + 1;
    }
    std::memcpy(w, At(from), end_msg - from);
    out->bytes = std::string_view(copy.get(), n);
    out->buffer = std::move(copy);
    return;
  }
  // Compact in place, moving whichever side of the quotes is shorter: the bytes before them to the
  // right, or those after to the left.
  uint64_t first = hdr;
  if (quotes_.back() - hdr < end_msg - quotes_.front()) {
    for (size_t j = k; j-- > 0;) {
      uint64_t from = j == 0 ? hdr : quotes_[j - 1] + 1;
      std::memmove(Mutable(from) + (k - j), At(from), quotes_[j] - from);
    }
    first = hdr + k;
  } else {
    char* w = Mutable(quotes_[0]);
    for (size_t j = 0; j < k; ++j) {
      uint64_t from = quotes_[j] + 1;
      uint64_t to = j + 1 < k ? quotes_[j + 1] : end_msg;
      std::memmove(w, At(from), to - from);
      w += to - from;
    }
  }
  out->buffer = buf_;
  out->bytes = std::string_view(At(first), n);
}

// mboxcl2: a Content-Length that puts the end of the body exactly on a "From " line (after at
// most one separating empty line) or on EOF is taken as the message's extent; the body was then
// stored without quoting, so nothing is un-quoted.
void MboxSplitter::HonourContentLength(uint64_t msg, uint64_t hdr, uint64_t* end_msg,
                                       uint64_t* next) {
  uint64_t length;
  size_t body;
  // The header block ends at the first empty line, which is at the latest the one cut off in
  // front of the separator (a body may start with an unquoted "From " line).
  const uint64_t limit = std::min(End(), *end_msg + 2);
  if (!FindContentLength(std::string_view(At(hdr), limit - hdr), &length, &body)) return;
  if (length > options_.max_message_size) return;
  const uint64_t target = hdr + body + length;
  if (target == *end_msg) {
    quotes_.clear();
    return;
  }
  if (target - msg > options_.max_message_size) return;
  while (End() < target + 7 && Fill(msg)) {
  }
  const bool clean_eof = eof_ && error_.ok();
  auto from_at = [&](uint64_t a) { return End() - a >= 5 && StartsWithFrom(At(a)); };
  uint64_t landed;
  if (target > End()) {
    return;
  } else if (target == End()) {
    if (!clean_eof) return;
    landed = kNone;
  } else if (from_at(target) && *At(target - 1) == '\n') {
    landed = target;
  } else {
    uint64_t after = target;
    if (*At(after) == '\r' && after + 1 < End()) ++after;
    if (*At(after) != '\n') return;
    ++after;
    if (after == End() && clean_eof) {
      landed = kNone;
    } else if (from_at(after)) {
      landed = after;
    } else {
      return;
    }
  }
  *end_msg = target;
  *next = landed;
  quotes_.clear();
}

}  // namespace mv
