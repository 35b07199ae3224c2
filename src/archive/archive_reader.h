// ArchiveReader: turns a list of inputs (mbox files, Maildir trees, .eml files, directories, stdin,
// any of them gzip/xz/zstd/bzip2 compressed) into one ordered stream of RawMessages. Inputs are read
// in the order given (directories in sorted order), one message at a time, with memory bounded
// independently of the archive size. A failing input never stops the stream: it yields a RawMessage
// with `input_error` set and the reader moves on to the next input.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "message/raw_message.h"

namespace mv {

// One unit of work: a path, or a byte range of an uncompressed mbox (for scale-out shards, where
// `first_index` numbers the messages as a whole-file read would). A path of "-" is stdin.
struct InputSpec {
  std::string path;
  uint64_t begin = 0;
  uint64_t end = UINT64_MAX;
  uint64_t first_index = 0;
};

struct ArchiveStats {
  uint64_t messages = 0;
  uint64_t bytes = 0;         // bytes of message data handed on
  uint64_t input_errors = 0;  // inputs that failed, wholly or part-way
};

class ArchiveReader {
 public:
  explicit ArchiveReader(std::vector<InputSpec> inputs);
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  // Produces the next message in input order; returns false at the end of the last input.
  bool Next(RawMessage* out);

  const ArchiveStats& stats() const;
  // Every input that failed, with its reason ("path: reason"), for stderr and the exit status.
  const std::vector<std::string>& failed_inputs() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mv
