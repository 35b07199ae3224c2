#include "archive/line_start_index.h"

#include <algorithm>
#include <cstring>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "archive/line_start_scan.h"

namespace mv {
namespace {

// Large enough that a block's scan (~50 µs at 5 GB/s) dwarfs the cost of handing it to a thread,
// small enough that an 8 MiB window makes 32 pieces for the threads to share.
constexpr size_t kBlock = size_t{256} << 10;

bool IsFrom(const char* p) {
  return std::memcmp(p, "From ", 5) == 0;
}

// Candidates p in [begin, stop) of the window [data, data + len): p[0] == '\n', p[1] in {F, >},
// minus those the window already shows to be neither "From " nor ">...>From ".
void ScanBlock(const char* data, size_t len, size_t begin, size_t stop, uint64_t base,
               std::vector<uint64_t>* out) {
  const char* const end = data + len;
  const char* p = data + begin;
  // FindLineStart needs the byte after each line feed: look one byte past the block.
  const char* const scan_end = data + std::min(stop + 1, len);
  while (const char* hit = FindLineStart<'F', '>'>(p, scan_end)) {
    p = hit + 1;
    const char* text = hit + 1;
    if (*text == '>') {
      while (text < end && *text == '>') ++text;
    }
    if (end - text >= 5 && !IsFrom(text)) continue;
    out->push_back(base + static_cast<uint64_t>(hit - data));
  }
}

}  // namespace

void LineStartIndex::Build(const char* data, size_t len, uint64_t base) {
  offsets_.clear();
  const size_t blocks = (len + kBlock - 1) / kBlock;
  std::vector<std::vector<uint64_t>> found(blocks);
  tbb::this_task_arena::isolate([&] {
    tbb::parallel_for(
        tbb::blocked_range<size_t>(0, blocks, 1), [&](const tbb::blocked_range<size_t>& r) {
          for (size_t b = r.begin(); b != r.end(); ++b) {
            ScanBlock(data, len, b * kBlock, std::min(len, (b + 1) * kBlock), base, &found[b]);
          }
        });
  });
  size_t total = 0;
  for (const auto& f : found) total += f.size();
  offsets_.reserve(total);
  for (const auto& f : found) offsets_.insert(offsets_.end(), f.begin(), f.end());
}

uint64_t LineStartIndex::Next(uint64_t from, uint64_t end, bool quotes, const char* data,
                              uint64_t base) const {
  for (auto it = std::lower_bound(offsets_.begin(), offsets_.end(), from); it != offsets_.end();
       ++it) {
    if (*it + 1 >= end) break;
    if (quotes || data[*it + 1 - base] == 'F') return *it;
  }
  return kNone;
}

}  // namespace mv
