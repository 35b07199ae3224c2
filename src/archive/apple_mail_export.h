// AppleMailExport: the layout macOS Mail writes for Mailbox > Export Mailbox. Each mailbox is a
// directory `NAME.mbox/` holding a plain mbox file named `mbox` and a binary index
// `table_of_contents` (sender and subject per message, for Mail's own import); nested mailboxes
// are nested directories ("INBOX/TopFolder/Subfolder1.mbox/"). The index is not mail and is
// skipped rather than reported as an unreadable message; the mbox's folder is the mailbox path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mv {

// True when a directory named `dir` holding the regular files `files` is an exported mailbox:
// its name ends in ".mbox" and it holds a file named "mbox".
bool IsAppleMailExportMailbox(std::string_view dir, const std::vector<std::string>& files);

// True for the files of an exported mailbox that are not mail ("table_of_contents").
bool IsAppleMailExportIndexName(std::string_view name);

// The mailbox path of an exported mailbox directory, from its path below the directory given,
// each component without ".mbox": "INBOX/TopFolder/Subfolder1.mbox" is
// "INBOX/TopFolder/Subfolder1".
std::string AppleMailExportFolder(std::string_view relative_dir);

}  // namespace mv
