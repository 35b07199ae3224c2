// DirectoryWalker: lists the message files under a directory, lazily and in a stable order, one
// directory listing in memory per level of depth, and says which store each file belongs to.
//  - A directory with cur/ and new/ subdirectories (or new/ alone with nothing but tmp/ beside it)
//    is a Maildir: cur/ then new/ (each sorted;
//    names starting with '.' skipped), then its Maildir++ subfolders and any other subdirectory
//    that is itself a Maildir (sorted); tmp/ and loose files are ignored. Folder: "" for the
//    Maildir given (the inbox), the subfolder's name without its leading '.' for the others.
//    Labels: the flags of the file name.
//  - A directory with a `.mh_sequences` file, or whose files are all MH message numbers (and MH
//    leftovers such as ",3"), is an MH folder (mh_folder.h): its numbered files and deleted
//    ",N"/"#N" files in numeric order, then its subdirectories. Folder: its path below the
//    directory given (its name when it is the directory given). Labels: the sequences each
//    message is in; \Deleted for a deleted one.
//  - A directory holding Mork `.msf` summaries is a Thunderbird folder (thunderbird_folder.h):
//    the summaries and the account's bookkeeping files are skipped; each mbox's folder is its
//    mailbox name ("Inbox/Work" for Inbox.sbd/Work).
//  - In an Apple Mail store, `Attachments/` beside `Messages/` holds the parts of .partial.emlx
//    files (read through them, partial_emlx.h), and `Info.plist` in a `.mbox` directory is
//    Mail's mailbox settings: neither is walked as mail.
//  - A `NAME.mbox` directory holding a file `mbox` is a mailbox exported by Apple Mail
//    (apple_mail_export.h): its `table_of_contents` index is skipped; folder: the mailbox path.
// Other directories are walked recursively in byte order of names, skipping names that start
// with '.', symbolic links to directories, and anything that is not a regular file.
#pragma once

#include <string>
#include <vector>

#include "archive/mh_sequences.h"

namespace mv {

struct WalkEntry {
  std::string path;
  bool maildir_message = false;     // always exactly one message (a Maildir or MH file)
  std::string source_format;        // "maildir", "mh", or "" when the file's content decides
  std::string folder;               // the folder inside the store, "" when none is known
  std::vector<std::string> labels;  // MH sequences, Maildir flags (mh_sequences.h, maildir_flags.h)
  std::string error;                // set when a directory could not be listed ("path: reason")
};

class DirectoryWalker {
 public:
  explicit DirectoryWalker(std::string root);
  // The next file (or listing error); false when the walk is over.
  bool Next(WalkEntry* out);

  static bool IsMaildir(const std::string& dir);

 private:
  struct Item {
    std::string name;  // relative to the frame's directory
    enum Kind { kFile, kMaildirFile, kMhFile, kDir, kMaildir } kind;
  };
  enum class Store { kPlain, kMaildir, kMh, kThunderbird, kAppleMailExport };
  struct Frame {
    std::string dir;
    std::string relative;  // `dir` below the root ("" for the root itself)
    std::string folder;    // the store folder of the files listed here
    Store store = Store::kPlain;
    std::vector<MhSequence> sequences;  // an MH folder's .mh_sequences
    std::vector<Item> items;
    size_t next = 0;
  };
  // Lists `dir` into a new frame; false (with *error set) when it cannot be listed.
  bool Push(const std::string& dir, const std::string& relative, const std::string& folder,
            bool maildir, std::string* error);
  bool ListMaildir(Frame* frame, std::string* error);
  bool ListPlain(Frame* frame, std::string* error);

  std::string root_name_;  // the last component of the root, an MH folder's name
  std::vector<Frame> stack_;
  std::string pending_error_;
};

}  // namespace mv
