// RunSummary: the totals of one run, shown on stderr as a live progress line and a final summary.
// It is fed every record in output order from the pipeline's single writer, so it needs no locking.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "report/message_record.h"

namespace mv {

class RunSummary {
 public:
  void Add(const MessageRecord& record);

  uint64_t messages() const { return messages_; }          // message records (not input errors)
  uint64_t bytes() const { return bytes_; }                // sum of their stored sizes
  uint64_t errors() const { return errors_; }              // message records with an error
  uint64_t input_errors() const { return input_errors_; }  // inputs that failed
  const std::map<std::string, uint64_t>& counters() const { return counters_; }

  // Final summary: one totals line, then one "  name: count" line per counter, each ending in "\n".
  std::string Format(double elapsed_seconds) const;
  // One line without a line break, for redrawing in place on a terminal.
  std::string FormatProgress(double elapsed_seconds) const;

 private:
  uint64_t messages_ = 0;
  uint64_t bytes_ = 0;
  uint64_t errors_ = 0;
  uint64_t input_errors_ = 0;
  std::map<std::string, uint64_t> counters_;
};

}  // namespace mv
