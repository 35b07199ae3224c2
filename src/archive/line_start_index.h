// LineStartIndex: the candidate lines of one mapped mbox window — every line feed followed by
// "From " (a possible separator) or by ">...>From " (a quoted line) — found by all threads at once.
// Scanning the bytes for them is the one per-byte pass of mbox splitting, and it used to run in
// the pipeline's serial input stage, where on many cores it capped the whole run (issue 15: 13%
// of one thread, so at most ~7x however many cores). Built when a window is mapped, split into
// blocks that idle workers take (oneTBB parallel_for, isolated so the reader does not wander off
// into other pipeline work meanwhile); the first touch of each page, a page fault, moves along
// with the scan. The serial reader then only looks candidates up.
//
// The index answers exactly what FindLineStart (line_start_scan.h) would on the same bytes: lines
// the reader would skip at once ("From:" headers, ">quoted text") are left out only when the
// window shows enough of them to tell; a candidate whose text runs past the window's end is kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mv {

class LineStartIndex {
 public:
  static constexpr uint64_t kNone = UINT64_MAX;

  // Indexes the window [data, data + len), whose first byte is at stream offset `base`.
  void Build(const char* data, size_t len, uint64_t base);
  void Clear() { offsets_.clear(); }

  // The first indexed line feed at or after `from` (stream offsets) and before `end` - 1 whose
  // next byte is 'F' or, when `quotes`, also '>'; kNone if there is none. `data`/`base` as in
  // Build.
  uint64_t Next(uint64_t from, uint64_t end, bool quotes, const char* data, uint64_t base) const;

 private:
  std::vector<uint64_t> offsets_;  // sorted stream offsets of candidate line feeds
};

}  // namespace mv
