#include "archive/directory_walker.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mv {

namespace {

enum class EntryType { kFile, kDir, kOther };

struct Listed {
  std::string name;
  EntryType type;
};

// Reads a directory; symlinks to regular files count as files, symlinks to directories are not
// followed (cycles), hidden names are dropped.
bool ListDirectory(const std::string& dir, std::vector<Listed>* out, std::string* error) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    *error = dir + ": " + std::strerror(errno);
    return false;
  }
  int dfd = ::dirfd(d);
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    EntryType type = EntryType::kOther;
    unsigned char dt = e->d_type;
    if (dt == DT_REG) {
      type = EntryType::kFile;
    } else if (dt == DT_DIR) {
      type = EntryType::kDir;
    } else if (dt == DT_LNK || dt == DT_UNKNOWN) {
      struct stat st;
      if (::fstatat(dfd, e->d_name, &st, 0) == 0) {
        if (S_ISREG(st.st_mode)) type = EntryType::kFile;
        if (dt == DT_UNKNOWN && S_ISDIR(st.st_mode)) type = EntryType::kDir;
      }
    }
    if (type != EntryType::kOther) out->push_back({e->d_name, type});
  }
  ::closedir(d);
  std::sort(out->begin(), out->end(),
            [](const Listed& a, const Listed& b) { return a.name < b.name; });
  return true;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

bool DirectoryWalker::IsMaildir(const std::string& dir) {
  return IsDirectory(dir + "/cur") && IsDirectory(dir + "/new");
}

DirectoryWalker::DirectoryWalker(std::string root) {
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  Push(root, IsMaildir(root), &pending_error_);
}

bool DirectoryWalker::Push(const std::string& dir, bool maildir, std::string* error) {
  Frame frame;
  frame.dir = dir;
  if (!maildir) {
    std::vector<Listed> listed;
    if (!ListDirectory(dir, &listed, error)) return false;
    for (Listed& l : listed) {
      frame.items.push_back(
          {std::move(l.name), l.type == EntryType::kDir ? Item::kDir : Item::kFile});
    }
  } else {
    for (const char* sub : {"cur", "new"}) {
      std::vector<Listed> listed;
      if (!ListDirectory(dir + "/" + sub, &listed, error)) return false;
      for (Listed& l : listed) {
        if (l.type == EntryType::kFile) {
          frame.items.push_back({std::string(sub) + "/" + l.name, Item::kMaildirFile});
        }
      }
    }
    // Subfolders: Maildir++ ".Name" folders (hidden, so listed by hand) and nested Maildirs.
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      *error = dir + ": " + std::strerror(errno);
      return false;
    }
    std::vector<std::string> subfolders;
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == ".." || name == "cur" || name == "new" || name == "tmp") continue;
      if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
      if (IsMaildir(dir + "/" + name)) subfolders.push_back(std::move(name));
    }
    ::closedir(d);
    std::sort(subfolders.begin(), subfolders.end());
    for (std::string& s : subfolders) frame.items.push_back({std::move(s), Item::kMaildir});
  }
  stack_.push_back(std::move(frame));
  return true;
}

bool DirectoryWalker::Next(WalkEntry* out) {
  out->error.clear();
  out->maildir_message = false;
  if (!pending_error_.empty()) {
    out->path.clear();
    out->error = std::move(pending_error_);
    pending_error_.clear();
    return true;
  }
  while (!stack_.empty()) {
    Frame& top = stack_.back();
    if (top.next == top.items.size()) {
      stack_.pop_back();
      continue;
    }
    const Item& item = top.items[top.next++];
    std::string path = top.dir == "/" ? "/" + item.name : top.dir + "/" + item.name;
    switch (item.kind) {
      case Item::kFile:
      case Item::kMaildirFile:
        out->path = std::move(path);
        out->maildir_message = item.kind == Item::kMaildirFile;
        return true;
      case Item::kDir:
      case Item::kMaildir: {
        std::string error;
        bool maildir = item.kind == Item::kMaildir || IsMaildir(path);
        if (!Push(path, maildir, &error)) {
          out->path = std::move(path);
          out->error = std::move(error);
          return true;
        }
        break;
      }
    }
  }
  return false;
}

}  // namespace mv
