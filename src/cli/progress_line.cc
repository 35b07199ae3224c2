#include "cli/progress_line.h"

#include <algorithm>

namespace mv {
namespace {

std::string Duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

}  // namespace

ProgressLine::ProgressLine(std::FILE* stream, bool enabled)
    : ProgressLine(stream, enabled ? Mode::kTerminal : Mode::kOff) {}

ProgressLine::ProgressLine(std::FILE* stream, Mode mode, std::chrono::milliseconds plain_interval)
    : stream_(stream),
      mode_(mode),
      plain_interval_(plain_interval),
      start_(Clock::now()),
      last_draw_(start_) {}

void ProgressLine::SetTotalBytes(uint64_t bytes, bool known) {
  total_bytes_ = bytes;
  total_known_ = known;
}

double ProgressLine::ElapsedSeconds() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

std::string ProgressLine::FormatText(const RunSummary& summary, double elapsed,
                                     uint64_t total_bytes, bool total_known, bool bar) {
  std::string text;
  const double done = static_cast<double>(summary.bytes());
  const bool have_total = total_known && total_bytes > 0;
  if (bar && have_total) {
    // Message bytes leave out mbox separator lines, so the fraction stays just under 1.
    const double fraction = std::min(1.0, done / static_cast<double>(total_bytes));
    const int filled = static_cast<int>(fraction * 20);
    char pct[16];
    std::snprintf(pct, sizeof pct, "] %3.0f%% ", fraction * 100);
    text.assign(1, '[');
    text.append(static_cast<size_t>(filled), '#');
    text.append(static_cast<size_t>(20 - filled), '-');
    text.append(pct);
  }
  text += summary.FormatProgress(elapsed);
  if (have_total) {
    char buf[64];
    std::snprintf(buf, sizeof buf, ", %.1f of %.1f MB", done / 1e6,
                  static_cast<double>(total_bytes) / 1e6);
    text += buf;
    const double rate = elapsed > 0 ? done / elapsed : 0;
    if (rate > 0) {
      const double remaining = std::max(0.0, static_cast<double>(total_bytes) - done);
      text += ", ETA " + Duration(remaining / rate);
    } else {
      text += ", ETA unknown";
    }
  } else {
    text += ", ETA unknown";
  }
  return text;
}

void ProgressLine::Update(const RunSummary& summary) {
  if (mode_ == Mode::kOff) return;
  const Clock::time_point now = Clock::now();
  const auto interval = mode_ == Mode::kTerminal ? std::chrono::milliseconds(250) : plain_interval_;
  if (now - last_draw_ < interval) return;
  last_draw_ = now;
  const std::string text =
      FormatText(summary, ElapsedSeconds(), total_bytes_, total_known_, mode_ == Mode::kTerminal);
  if (mode_ == Mode::kPlain) {
    std::fprintf(stream_, "mailverify: %s\n", text.c_str());
  } else {
    // "\r" + erase-to-end-of-line, so a shorter line leaves no remains of the longer one before it.
    std::fprintf(stream_, "\r\033[K%s", text.c_str());
    drawn_ = true;
  }
  std::fflush(stream_);
}

void ProgressLine::Clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stream_);
  std::fflush(stream_);
  drawn_ = false;
}

}  // namespace mv
