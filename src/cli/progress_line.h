// ProgressLine: progress of a long run on stderr. On a terminal it is one line redrawn in place at
// most four times a second (a bar, messages, MB, MB/s and the ETA when the input size is known);
// with --progress and a stderr that is not a terminal (logs, batch jobs) it writes a plain line
// every 2 s instead. Otherwise it is silent and only the final summary is printed.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "report/summary.h"

namespace mv {

class ProgressLine {
 public:
  enum class Mode { kOff, kTerminal, kPlain };

  // kTerminal when `enabled`, else kOff.
  ProgressLine(std::FILE* stream, bool enabled);
  // `plain_interval` is the time between two plain lines.
  ProgressLine(std::FILE* stream, Mode mode,
               std::chrono::milliseconds plain_interval = std::chrono::seconds(2));

  // The size of the input in bytes, for the percentage and the ETA. Message bytes are compared to
  // it, so it is only `known` when the inputs are stored uncompressed (not for compressed files or
  // stdin, where the ETA is shown as unknown).
  void SetTotalBytes(uint64_t bytes, bool known);

  // Redraws the line (or writes a plain line) if enough time has passed since the last one.
  void Update(const RunSummary& summary);
  // Erases the line so the summary or error messages start on a clean line.
  void Clear();

  double ElapsedSeconds() const;

  // The progress text (no line control characters). `bar`: a 20-column bar and a percentage first.
  static std::string FormatText(const RunSummary& summary, double elapsed_seconds,
                                uint64_t total_bytes, bool total_known, bool bar);

 private:
  using Clock = std::chrono::steady_clock;
  std::FILE* stream_;
  Mode mode_;
  std::chrono::milliseconds plain_interval_;
  uint64_t total_bytes_ = 0;
  bool total_known_ = false;
  bool drawn_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace mv
