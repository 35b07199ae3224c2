// MaildirFlags: the state a Maildir keeps in each file name's info part, `:2,` (or `!2,` where
// ':' is not allowed in file names) followed by flag letters in ASCII order: D draft, F flagged,
// P passed (forwarded), R replied, S seen, T trashed (deleted, not yet expunged). The record
// carries them as `labels` in the names IMAP uses (\Draft, \Flagged, $Forwarded, \Answered,
// \Seen, \Deleted), so a Maildir and the same mailbox read over IMAP from Dovecot agree. Lower-case
// letters are Dovecot keywords whose names live in another file; they are not reported.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mv {

// The labels of the flags in a Maildir file name ("1700000000.M1P2.host:2,FRS"); none when the
// name has no info part (a message still in new/).
std::vector<std::string> MaildirFlagLabels(std::string_view file_name);

}  // namespace mv
