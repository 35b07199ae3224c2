// DirectoryWalker: lists the message files under a directory, lazily and in a stable order, one
// directory listing in memory per level of depth. A directory with cur/ and new/ subdirectories is
// a Maildir: cur/ then new/ (each sorted; names starting with '.' skipped), then its Maildir++
// subfolders and any other subdirectory that is itself a Maildir (sorted); tmp/ and loose files are
// ignored. Other directories are walked recursively in byte order of names, skipping names that
// start with '.', symbolic links to directories, and anything that is not a regular file.
#pragma once

#include <string>
#include <vector>

namespace mv {

struct WalkEntry {
  std::string path;
  bool maildir_message = false;  // a file in a Maildir's cur/ or new/: always exactly one message
  std::string error;             // set when a directory could not be listed ("path: reason")
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
    enum Kind { kFile, kMaildirFile, kDir, kMaildir } kind;
  };
  struct Frame {
    std::string dir;
    std::vector<Item> items;
    size_t next = 0;
  };
  // Lists `dir` into a new frame; false (with *error set) when it cannot be listed.
  bool Push(const std::string& dir, bool maildir, std::string* error);

  std::vector<Frame> stack_;
  std::string pending_error_;
};

}  // namespace mv
