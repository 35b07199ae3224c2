// FileReader: the messages of one file or of stdin — opens it, undoes compression, decides by
// content whether it is an mbox (MboxSplitter), an Apple Mail .emlx (emlx_reader.h) or a single
// message, numbers what comes out and says in each message's provenance which store it came from.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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

  // What the directory walk knows about the store the file belongs to: its format ("maildir",
  // "mh"; empty lets the content decide: mbox, emlx, eml), the folder inside the store and the
  // labels the store gives the file (MH sequences, Maildir flags).
  void SetStore(std::string source_format, std::string folder,
                std::vector<std::string> labels = {});

  // The next record of this file (message or input error); false when the file is done.
  bool Next(RawMessage* out);

 private:
  bool Open(RawMessage* out);
  bool ReadSingleMessage(RawMessage* out);
  // `content_format` is what the bytes were detected as ("" before detection); the store's own
  // format, when the directory walk named one, comes first.
  void InputError(RawMessage* out, const std::string& reason, std::string_view content_format);
  // Resets the store facts of a reused `out` and sets those every message of this file shares.
  void StartStoreFacts(RawMessage* out, std::string_view content_format) const;

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
  std::string store_format_;
  std::string store_folder_;
  std::vector<std::string> store_labels_;
};

}  // namespace mv
