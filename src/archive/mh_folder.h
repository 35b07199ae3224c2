// MhFolder: how an MH folder is told apart from any other directory, and which of its files are
// messages. In MH (nmh, GNU Mailutils, Claws Mail, Sylpheed) every message is a file named by a
// positive decimal number, read in numeric order (gaps after deletions are normal); the folder
// may hold `.mh_sequences` (sequence names and message numbers), deleted messages renamed `,N`
// or `#N`, editor backups `N~`, and sub-folders as plain directories. A deleted message is still
// the message the folder held, so it is read too (labelled \Deleted by the walk); the sequence
// file and backups are not messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mv {

// A positive decimal message number of at most 10 digits ("7", "95"; not "0", not "07x").
bool IsMhMessageName(std::string_view name);

// True for the other names MH tools leave beside the messages: ",N" and "#N" (deleted, read as
// deleted messages) and "N~" (an editor's backup, not read).
bool IsMhLeftoverName(std::string_view name);

// Decides from a directory's visible regular files (dot files already left out) and whether it
// has a `.mh_sequences` file: an MH folder has a sequence file, or at least one numbered file and
// nothing but numbered files and MH leftovers.
bool LooksLikeMhFolder(const std::vector<std::string>& file_names, bool has_sequences_file);

// A deleted message: ",N" or "#N" with N a message number.
bool IsMhDeletedName(std::string_view name);

// The message number of a message or deleted-message name ("12", ",12", "#12" are 12).
uint64_t MhNumberOf(std::string_view name);

// Orders message names numerically ("2" before "10"), a deleted ",N" right after a message N.
bool MhNumberLess(std::string_view a, std::string_view b);

}  // namespace mv
