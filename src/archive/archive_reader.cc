#include "archive/archive_reader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "archive/directory_walker.h"
#include "archive/file_reader.h"
#include "archive/outlook_store.h"

namespace mv {

class ArchiveReader::Impl {
 public:
  Impl(std::vector<InputSpec> inputs, ArchiveOptions options)
      : inputs_(std::move(inputs)), options_(options) {}

  bool Next(RawMessage* out) {
    for (;;) {
      if (store_) {
        if (store_->Next(out)) {
          Account(*out);
          return true;
        }
        store_.reset();
        // The readers after a store set only their own provenance fields; none may inherit the
        // store's folder, mime or format (a caller may reuse `out`).
        out->provenance = Provenance{};
      }
      if (file_) {
        if (file_->Next(out)) {
          Account(*out);
          return true;
        }
        file_.reset();
      }
      if (walker_) {
        WalkEntry entry;
        if (walker_->Next(&entry)) {
          if (!entry.error.empty()) {
            InputError(out, entry.path, entry.error);
            return true;
          }
          // PST/OST and .msg files are recognised by their magic bytes (outlook_store.h).
          if (!entry.maildir_message && (store_ = OpenOutlookStore(entry.path, options_))) continue;
          file_ =
              std::make_unique<FileReader>(std::move(entry.path), options_, entry.maildir_message);
          file_->SetStore(std::move(entry.source_format), std::move(entry.folder),
                          std::move(entry.labels));
          continue;
        }
        walker_.reset();
      }
      if (next_input_ == inputs_.size()) return false;
      const InputSpec& spec = inputs_[next_input_++];
      if (spec.path != "-") {
        struct stat st;
        if (::stat(spec.path.c_str(), &st) != 0) {
          InputError(out, spec.path, spec.path + ": " + std::strerror(errno));
          return true;
        }
        if (S_ISDIR(st.st_mode)) {
          walker_ = std::make_unique<DirectoryWalker>(spec.path);
          continue;
        }
        if (S_ISREG(st.st_mode) && spec.begin == 0 &&
            (store_ = OpenOutlookStore(spec.path, options_))) {
          continue;
        }
      }
      file_ = std::make_unique<FileReader>(spec.path, options_, false, spec.begin, spec.end,
                                           spec.first_index);
    }
  }

  ArchiveStats stats;
  std::vector<std::string> failed;

 private:
  void Account(const RawMessage& m) {
    if (m.input_error) {
      ++stats.input_errors;
      failed.push_back(m.read_error);
    } else {
      ++stats.messages;
      stats.bytes += m.bytes.size();
    }
  }

  void InputError(RawMessage* out, const std::string& path, const std::string& reason) {
    out->buffer.reset();
    out->bytes = {};
    out->provenance = Provenance();
    out->store_warning.clear();
    out->provenance.source = path;
    out->read_error = reason;
    out->input_error = true;
    Account(*out);
  }

  std::vector<InputSpec> inputs_;
  ArchiveOptions options_;
  size_t next_input_ = 0;
  std::unique_ptr<DirectoryWalker> walker_;
  std::unique_ptr<FileReader> file_;
  std::unique_ptr<OutlookStoreReader> store_;
};

ArchiveReader::ArchiveReader(std::vector<InputSpec> inputs, ArchiveOptions options)
    : impl_(std::make_unique<Impl>(std::move(inputs), options)) {}

ArchiveReader::~ArchiveReader() = default;

bool ArchiveReader::Next(RawMessage* out) {
  return impl_->Next(out);
}

const ArchiveStats& ArchiveReader::stats() const {
  return impl_->stats;
}

const std::vector<std::string>& ArchiveReader::failed_inputs() const {
  return impl_->failed;
}

}  // namespace mv
