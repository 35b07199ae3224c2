// ThunderbirdFolder: the layout of a Thunderbird (or Netscape, SeaMonkey) mail folder. Each
// mailbox is an mbox file without extension, with its summary index `<name>.msf` (a Mork
// database) beside it; sub-mailboxes of `Inbox` live in the directory `Inbox.sbd/`. The `.msf`
// files and the account's bookkeeping files (filter rules, POP state, filter logs) are not mail
// and are skipped rather than reported as unreadable messages.
#pragma once

#include <string>
#include <string_view>

namespace mv {

// True when `path` names a Mork summary file: "*.msf" whose content starts as Mork does
// ("// <!-- <mdb:mork"). A file that merely has the name is read like any other.
bool IsMorkSummaryFile(const std::string& path, std::string_view name);

// The files Thunderbird keeps in an account folder beside the mailboxes.
bool IsThunderbirdBookkeepingName(std::string_view name);

// The mailbox name of a path relative to the account folder: "Inbox.sbd/Work.sbd/2024" is
// "Inbox/Work/2024".
std::string ThunderbirdMailboxName(std::string_view relative_path);

}  // namespace mv
