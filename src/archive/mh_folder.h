// MhFolder: how an MH folder is told apart from any other directory, and which of its files are
// messages. In MH (nmh, GNU Mailutils, Claws Mail, Sylpheed) every message is a file named by a
// positive decimal number, read in numeric order (gaps after deletions are normal); the folder
// may hold `.mh_sequences` (sequence names and message numbers), deleted messages renamed `,N`
// or `#N`, editor backups `N~`, and sub-folders as plain directories — none of which is a message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mv {

// A positive decimal message number of at most 10 digits ("7", "95"; not "0", not "07x").
bool IsMhMessageName(std::string_view name);

// True for the names MH tools leave beside messages that are not messages: ",N" and "#N"
// (deleted), "N~" (backup).
bool IsMhLeftoverName(std::string_view name);

// Decides from a directory's visible regular files (dot files already left out) and whether it
// has a `.mh_sequences` file: an MH folder has a sequence file, or at least one numbered file and
// nothing but numbered files and MH leftovers.
bool LooksLikeMhFolder(const std::vector<std::string>& file_names, bool has_sequences_file);

// Orders message names numerically ("2" before "10").
bool MhNumberLess(std::string_view a, std::string_view b);

}  // namespace mv
