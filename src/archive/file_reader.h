// FileReader: the messages of one file or of stdin — opens it, undoes compression, decides by
// content whether it is an mbox (MboxSplitter) or a single message, and numbers what comes out.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "archive/archive_options.h"
#include "archive/byte_source.h"
#include "archive/mbox_splitter.h"
#include "message/raw_message.h"

namespace mv {

class FileReader {
 public:
  // `path` "-" reads options.stdin_fd. Messages whose offset lies in [begin, end) are produced and
  // numbered from first_index. A Maildir file is always one message.
  FileReader(std::string path, const ArchiveOptions& options, bool maildir_message,
             uint64_t begin = 0, uint64_t end = UINT64_MAX, uint64_t first_index = 0);
  ~FileReader();

  // The next record of this file (message or input error); false when the file is done.
  bool Next(RawMessage* out);

 private:
  bool Open(RawMessage* out);
  bool ReadSingleMessage(RawMessage* out);
  void InputError(RawMessage* out, const std::string& reason);

  std::string path_;
  ArchiveOptions options_;
  bool maildir_message_;
  uint64_t begin_;
  uint64_t end_;
  uint64_t index_;
  bool opened_ = false;
  bool done_ = false;
  std::unique_ptr<ByteSource> source_;
  std::unique_ptr<MboxSplitter> splitter_;
  std::string head_;  // first bytes, read to tell an mbox from a single message
};

}  // namespace mv
