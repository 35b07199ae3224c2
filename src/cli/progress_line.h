// ProgressLine: the live one-line status on a terminal's stderr during a long run. It redraws at
// most four times a second so a fast run spends no time on it, and is silent when stderr is not a
// terminal (logs and pipes get only the final summary).
#pragma once

#include <chrono>
#include <cstdio>

#include "report/summary.h"

namespace mv {

class ProgressLine {
 public:
  ProgressLine(std::FILE* stream, bool enabled);

  // Redraws the line if enough time has passed since the last redraw.
  void Update(const RunSummary& summary);
  // Erases the line so the summary or error messages start on a clean line.
  void Clear();

  double ElapsedSeconds() const;

 private:
  using Clock = std::chrono::steady_clock;
  std::FILE* stream_;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace mv
