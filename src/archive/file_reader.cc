#include "archive/file_reader.h"

#include <algorithm>
#include <cstring>

#include "archive/emlx_file.h"
#include "archive/emlx_reader.h"
#include "archive/gmail_takeout.h"
#include "archive/mapped_window.h"
#include "archive/mozilla_status.h"

namespace mv {

FileReader::FileReader(std::string path, const ArchiveOptions& options, bool maildir_message,
                       uint64_t begin, uint64_t end, uint64_t first_index)
    : path_(std::move(path)),
      options_(options),
      maildir_message_(maildir_message),
      begin_(begin),
      end_(end),
      index_(first_index) {}

FileReader::~FileReader() = default;

void FileReader::SetStore(std::string source_format, std::string folder,
                          std::vector<std::string> labels) {
  store_format_ = std::move(source_format);
  store_folder_ = std::move(folder);
  store_labels_ = std::move(labels);
}

void FileReader::StartStoreFacts(RawMessage* out, std::string_view content_format) const {
  Provenance& p = out->provenance;
  p.source_format = store_format_.empty() ? std::string(content_format) : store_format_;
  p.folder = store_folder_;
  p.mime = "original";
  p.received_at.reset();
  p.received_at_source.clear();
  p.labels = store_labels_;
  p.uid.reset();
  p.uidvalidity.reset();
  p.gmail_thread_id.clear();
  out->store_warning.clear();
}

void FileReader::InputError(RawMessage* out, const std::string& reason,
                            std::string_view content_format) {
  out->buffer.reset();
  out->bytes = {};
  out->provenance.source = path_;
  out->provenance.index = index_;
  out->provenance.offset = 0;
  out->provenance.size = 0;
  out->provenance.source_format =
      store_format_.empty() ? std::string(content_format) : store_format_;
  out->read_error = path_ + ": " + reason;
  out->store_warning.clear();
  out->input_error = true;
  done_ = true;
}

// Returns true when a record was produced (an open failure).
bool FileReader::Open(RawMessage* out) {
  opened_ = true;
  Result<OpenedSource> opened = OpenByteSource(path_, options_.stdin_fd);
  if (!opened.ok()) {
    InputError(out, opened.error(), "");
    return true;
  }
  source_ = std::move(opened->source);
  head_.resize(8);  // "From " or, from some Windows tools, a UTF-8 byte order mark and "From "
  Result<size_t> got = ReadFully(source_.get(), head_.data(), head_.size());
  if (!got.ok()) {
    InputError(out, got.error(), "");
    return true;
  }
  head_.resize(*got);
  if (head_.empty()) {  // an empty file holds no message
    done_ = true;
    return false;
  }
  bool mbox = false;
  if (!maildir_message_) {
    switch (options_.file_format) {
      case FileFormat::kAuto:
        mbox = head_.starts_with("From ") || head_ ==
                                                 "\xEF\xBB\xBF"
                                                 "From ";
        break;
      case FileFormat::kMbox:
        mbox = true;
        break;
      case FileFormat::kEml:
        mbox = false;
        break;
    }
  }
  if (mbox) {
    // Map the file when it can be: one that cannot (a file system that refuses mmap) is read.
    const int fd = options_.map_files ? source_->MappableFd() : -1;
    if (fd >= 0 && MapFileRange(fd, 0, 1).ok()) {
      splitter_ = std::make_unique<MboxSplitter>(fd, source_->SizeHint(), options_, begin_, end_);
    } else {
      splitter_ = std::make_unique<MboxSplitter>(source_.get(), options_, head_, begin_, end_);
    }
  }
  return false;
}

bool FileReader::Next(RawMessage* out) {
  if (done_) return false;
  if (!opened_ && Open(out)) return true;
  if (done_) return false;
  if (!splitter_) {
    done_ = true;
    return ReadSingleMessage(out);
  }
  MboxSplitter::Event event = splitter_->Next(out);
  if (event == MboxSplitter::Event::kEnd) {
    done_ = true;
    return false;
  }
  out->provenance.source = path_;
  out->provenance.index = index_;
  StartStoreFacts(out, "mbox");
  if (event == MboxSplitter::Event::kInputError) {
    out->read_error = path_ + ": " + out->read_error;
  } else {
    ++index_;
    if (!out->read_error.empty()) out->read_error = path_ + ": " + out->read_error;
    ReadGmailTakeoutFields(out->bytes, &out->provenance);
    ReadMozillaStatusFields(out->bytes, &out->provenance, &out->store_warning);
  }
  return true;
}

// The whole (decompressed) file is one message; a leading mbox "From " line is dropped since it
// cannot be a header field.
bool FileReader::ReadSingleMessage(RawMessage* out) {
  if (begin_ > 0 || end_ == 0) return false;  // the message sits at offset 0
  const size_t max_size = options_.max_message_size;
  size_t cap = std::max<size_t>(head_.size() + 1, 64 * 1024);
  if (uint64_t hint = source_->SizeHint(); hint > 0) {
    cap = static_cast<size_t>(std::min<uint64_t>(hint, max_size) + 1);
  }
  auto buf = std::make_shared_for_overwrite<char[]>(cap);
  std::memcpy(buf.get(), head_.data(), head_.size());
  size_t len = head_.size();
  uint64_t total = len;
  bool oversized = false;
  for (;;) {
    if (len == cap) {
      if (len > max_size) {
        oversized = true;  // stop here: the file may not even end (a device)
        break;
      } else {
        size_t new_cap = std::min(cap * 2, max_size + 1);
        auto bigger = std::make_shared_for_overwrite<char[]>(new_cap);
        std::memcpy(bigger.get(), buf.get(), len);
        buf = std::move(bigger);
        cap = new_cap;
      }
    }
    Result<size_t> r = source_->Read(buf.get() + len, cap - len);
    if (!r.ok()) {
      InputError(out, r.error() + " (the message is incomplete and is not handed on)", "eml");
      return true;
    }
    if (*r == 0) break;
    len += *r;
    total += *r;
  }
  out->provenance.source = path_;
  out->provenance.index = index_;
  out->provenance.offset = 0;
  out->provenance.size = total;
  out->input_error = false;
  out->read_error.clear();
  StartStoreFacts(out, "eml");
  if (oversized || total > max_size) {
    out->buffer.reset();
    out->bytes = {};
    out->read_error = path_ + ": message of more than " + std::to_string(max_size) +
                      " bytes exceeds the maximum message size; skipped";
    return true;
  }
  std::string_view bytes(buf.get(), len);
  if (!maildir_message_ && options_.file_format == FileFormat::kAuto && LooksLikeEmlx(bytes)) {
    ReadEmlxMessage(path_, std::move(buf), bytes, max_size, out);
    return true;
  }
  if (bytes.substr(0, 5) == "From ") {
    size_t nl = bytes.find('\n');
    bytes.remove_prefix(nl == std::string_view::npos ? bytes.size() : nl + 1);
  }
  out->bytes = bytes;
  out->buffer = std::move(buf);
  return true;
}

}  // namespace mv
