#include "report/summary.h"

#include <algorithm>
#include <cstdio>

namespace mv {
namespace {

std::string Printf(const char* format, auto... args) {
  char buf[256];
  const int n = std::snprintf(buf, sizeof buf, format, args...);
  return std::string(buf, n < 0 ? 0 : std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1));
}

double Rate(double amount, double seconds) {
  return seconds > 0 ? amount / seconds : 0.0;
}

std::string Plural(uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

void RunSummary::Add(const MessageRecord& record) {
  if (record.input_error) {
    ++input_errors_;
    return;
  }
  ++messages_;
  bytes_ += record.provenance.size;
  if (!record.error.empty()) ++errors_;
  for (const auto& [name, n] : record.counters) counters_[name] += n;
}

std::string RunSummary::Format(double elapsed) const {
  std::string out = "mailverify: " + Plural(messages_, "message") +
                    Printf(", %.2f MB, ", static_cast<double>(bytes_) / 1e6) +
                    Plural(errors_, "error") + ", " + Plural(input_errors_, "input error") +
                    Printf(" in %.2f s (%.0f msgs/s, %.2f MB/s)\n", elapsed,
                           Rate(static_cast<double>(messages_), elapsed),
                           Rate(static_cast<double>(bytes_) / 1e6, elapsed));
  for (const auto& [name, n] : counters_) {
    out += "  " + name + ": " + std::to_string(n) + "\n";
  }
  return out;
}

std::string RunSummary::FormatProgress(double elapsed) const {
  return Printf("%llu messages, %.1f MB, %llu errors, %.0f msgs/s, %.1f MB/s",
                static_cast<unsigned long long>(messages_), static_cast<double>(bytes_) / 1e6,
                static_cast<unsigned long long>(errors_),
                Rate(static_cast<double>(messages_), elapsed),
                Rate(static_cast<double>(bytes_) / 1e6, elapsed));
}

}  // namespace mv
