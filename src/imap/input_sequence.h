// InputSequence: the inputs of a scan in the order given, whatever they are: runs of files,
// directories and stdin go through one ArchiveReader, each imap:// or imaps:// URL through an
// ImapInput. It is the single place where a URL input is told from a path, so the scan command
// needs only this class to read both.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "archive/archive_reader.h"
#include "imap/imap_input.h"
#include "imap/imap_options.h"

namespace mv {

class InputSequence {
 public:
  InputSequence(std::vector<InputSpec> inputs, ArchiveOptions archive, ImapOptions imap);
  ~InputSequence();

  // The next record in input order; false after the last input.
  bool Next(RawMessage* out);
  // Every input that failed ("input: reason"), files and URLs alike.
  const std::vector<std::string>& failed_inputs() const { return failed_; }

 private:
  std::vector<InputSpec> inputs_;
  ArchiveOptions archive_options_;
  ImapOptions imap_options_;
  size_t next_input_ = 0;
  std::unique_ptr<ArchiveReader> archive_;  // the current run of file inputs
  size_t archive_failures_seen_ = 0;
  std::unique_ptr<ImapInput> imap_;  // the current URL input
  std::vector<std::string> failed_;
};

}  // namespace mv
