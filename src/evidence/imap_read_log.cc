#include "evidence/imap_read_log.h"

#include <algorithm>

namespace mv {

ImapReadLog::ImapReadLog(const std::vector<std::string>& inputs) {
  for (const std::string& given : inputs) {
    if (!IsImapUrl(given)) continue;
    Input input;
    Result<ImapUrl> url = ParseImapUrl(given);
    if (url.ok()) {
      input.read.url = url->Display(url->mailbox);
      input.prefix = url->Display("");
      // A named mailbox is listed even when it gave no record (empty, or EXAMINE refused).
      if (url->mailbox != "*")
        input.read.mailboxes.push_back(ImapMailboxRead{.mailbox = url->mailbox});
      input.url = std::move(*url);
    } else {
      // ParseImapUrl's errors never echo a password; nor does the input (refused at parsing).
      input.read.url = given;
      input.read.errors.push_back(url.error());
    }
    inputs_.push_back(std::move(input));
  }
}

bool ImapReadLog::Belongs(const Input& input, const Provenance& p) const {
  if (!input.url || p.source.compare(0, input.prefix.size(), input.prefix) != 0) return false;
  const std::string& mailbox = input.url->mailbox;
  // A failure that ends the input names no folder; its source is the URL as given.
  return mailbox == "*" || p.folder == mailbox ||
         (p.folder.empty() && p.source == input.url->Display(mailbox));
}

// The same URL given twice is read twice: a record that starts a mailbox this input already read
// (index 0), or any record after the input ended, belongs to a later input.
bool ImapReadLog::Restarts(const Input& input, const Provenance& p) const {
  if (input.ended) return true;
  if (!p.uid || p.index != 0) return false;
  return std::any_of(
      input.read.mailboxes.begin(), input.read.mailboxes.end(),
      [&p](const ImapMailboxRead& m) { return m.mailbox == p.folder && m.records != 0; });
}

void ImapReadLog::Record(Input* input, const MessageRecord& record) {
  const Provenance& p = record.provenance;
  if (record.input_error) {
    input->read.errors.push_back(record.error);
    if (p.folder.empty()) input->ended = true;
    return;
  }
  if (!p.uid) return;
  auto it = std::find_if(input->read.mailboxes.begin(), input->read.mailboxes.end(),
                         [&p](const ImapMailboxRead& m) { return m.mailbox == p.folder; });
  if (it == input->read.mailboxes.end()) {
    input->read.mailboxes.push_back(ImapMailboxRead{.mailbox = p.folder});
    it = input->read.mailboxes.end() - 1;
  }
  it->uidvalidity = p.uidvalidity;
  it->first_uid = it->records == 0 ? *p.uid : std::min(it->first_uid, *p.uid);
  it->last_uid = it->records == 0 ? *p.uid : std::max(it->last_uid, *p.uid);
  ++it->records;
}

void ImapReadLog::Add(std::span<const MessageRecord> records) {
  for (const MessageRecord& record : records) {
    const Provenance& p = record.provenance;
    if (p.source_format != "imap") continue;
    for (size_t i = current_; i < inputs_.size(); ++i) {
      if (!Belongs(inputs_[i], p) || (i == current_ && Restarts(inputs_[i], p))) continue;
      current_ = i;
      Record(&inputs_[i], record);
      break;
    }
  }
}

std::vector<ImapInputRead> ImapReadLog::reads() const {
  std::vector<ImapInputRead> out;
  for (const Input& input : inputs_) out.push_back(input.read);
  return out;
}

}  // namespace mv
