#include "cli/progress_line.h"

#include <string>

namespace mv {

ProgressLine::ProgressLine(std::FILE* stream, bool enabled)
    : stream_(stream), enabled_(enabled), start_(Clock::now()), last_draw_(start_) {}

double ProgressLine::ElapsedSeconds() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

void ProgressLine::Update(const RunSummary& summary) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(250)) return;
  last_draw_ = now;
  const std::string line = summary.FormatProgress(ElapsedSeconds());
  // "\r" + erase-to-end-of-line, so a shorter line leaves no remains of the longer one before it.
  std::fprintf(stream_, "\r\033[K%s", line.c_str());
  std::fflush(stream_);
  drawn_ = true;
}

void ProgressLine::Clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stream_);
  std::fflush(stream_);
  drawn_ = false;
}

}  // namespace mv
