#include "imap/input_sequence.h"

#include "imap/imap_url.h"

namespace mv {

InputSequence::InputSequence(std::vector<InputSpec> inputs, ArchiveOptions archive,
                             ImapOptions imap)
    : inputs_(std::move(inputs)), archive_options_(archive), imap_options_(std::move(imap)) {}

InputSequence::~InputSequence() = default;

bool InputSequence::Next(RawMessage* out) {
  for (;;) {
    if (archive_) {
      const bool more = archive_->Next(out);
      const std::vector<std::string>& failed = archive_->failed_inputs();
      for (; archive_failures_seen_ < failed.size(); ++archive_failures_seen_) {
        failed_.push_back(failed[archive_failures_seen_]);
      }
      if (more) return true;
      archive_.reset();
      archive_failures_seen_ = 0;
    }
    if (imap_) {
      if (imap_->Next(out)) {
        if (out->input_error) failed_.push_back(out->read_error);
        return true;
      }
      imap_.reset();
    }
    if (next_input_ >= inputs_.size()) return false;
    if (IsImapUrl(inputs_[next_input_].path)) {
      imap_ = std::make_unique<ImapInput>(inputs_[next_input_].path, imap_options_,
                                          archive_options_.max_message_size);
      ++next_input_;
      continue;
    }
    // The files up to the next URL share one reader, as a scan without URLs always did.
    std::vector<InputSpec> files;
    while (next_input_ < inputs_.size() && !IsImapUrl(inputs_[next_input_].path)) {
      files.push_back(inputs_[next_input_++]);
    }
    archive_ = std::make_unique<ArchiveReader>(std::move(files), archive_options_);
  }
}

}  // namespace mv
