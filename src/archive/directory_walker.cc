#include "archive/directory_walker.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "archive/apple_mail_export.h"
#include "archive/maildir_flags.h"
#include "archive/mh_folder.h"
#include "archive/thunderbird_folder.h"

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

// The text of an MH folder's .mh_sequences (at most 1 MiB: a real one is a few lines); empty
// when there is none or it cannot be read, which only costs the labels.
std::string ReadSequencesFile(const std::string& dir) {
  constexpr size_t kMaxSequencesBytes = size_t{1} << 20;
  std::ifstream in(dir + "/.mh_sequences", std::ios::binary);
  std::string text;
  if (!in) return text;
  text.resize(kMaxSequencesBytes);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string Join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  return a + "/" + b;
}

}  // namespace

bool DirectoryWalker::IsMaildir(const std::string& dir) {
  const bool has_new = IsDirectory(dir + "/new"), has_cur = IsDirectory(dir + "/cur");
  if (has_new && has_cur) return true;
  if (!has_new && !has_cur) return false;
  // Only new/ or only cur/ (a copy that lost its empty folders, as git does; notmuch's test
  // corpora keep only cur/): still a Maildir when nothing else is there.
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return false;
  bool only_maildir_entries = true;
  while (struct dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name != "." && name != ".." && name != "new" && name != "cur" && name != "tmp") {
      only_maildir_entries = false;
      break;
    }
  }
  ::closedir(d);
  return only_maildir_entries;
}

DirectoryWalker::DirectoryWalker(std::string root) {
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  const size_t slash = root.rfind('/');
  root_name_ = slash == std::string::npos ? root : root.substr(slash + 1);
  Push(root, "", "", IsMaildir(root), &pending_error_);
}

bool DirectoryWalker::Push(const std::string& dir, const std::string& relative,
                           const std::string& folder, bool maildir, std::string* error) {
  Frame frame;
  frame.dir = dir;
  frame.relative = relative;
  frame.folder = folder;
  if (!(maildir ? ListMaildir(&frame, error) : ListPlain(&frame, error))) return false;
  stack_.push_back(std::move(frame));
  return true;
}

bool DirectoryWalker::ListMaildir(Frame* frame, std::string* error) {
  frame->store = Store::kMaildir;
  for (const char* sub : {"cur", "new"}) {
    std::vector<Listed> listed;
    const std::string subdir = frame->dir + "/" + sub;
    if (!IsDirectory(subdir)) continue;  // cur/ may be missing (see IsMaildir)
    if (!ListDirectory(subdir, &listed, error)) return false;
    for (Listed& l : listed) {
      if (l.type == EntryType::kFile) {
        frame->items.push_back({std::string(sub) + "/" + l.name, Item::kMaildirFile});
      }
    }
  }
  // Subfolders: Maildir++ ".Name" folders (hidden, so listed by hand) and nested Maildirs.
  DIR* d = ::opendir(frame->dir.c_str());
  if (d == nullptr) {
    *error = frame->dir + ": " + std::strerror(errno);
    return false;
  }
  std::vector<std::string> subfolders;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || name == "cur" || name == "new" || name == "tmp") continue;
    if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
    if (IsMaildir(frame->dir + "/" + name)) subfolders.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(subfolders.begin(), subfolders.end());
  for (std::string& s : subfolders) frame->items.push_back({std::move(s), Item::kMaildir});
  return true;
}

bool DirectoryWalker::ListPlain(Frame* frame, std::string* error) {
  std::vector<Listed> listed;
  if (!ListDirectory(frame->dir, &listed, error)) return false;
  std::vector<std::string> files;
  bool messages_dir = false;
  for (const Listed& l : listed) {
    if (l.type == EntryType::kFile) files.push_back(l.name);
    if (l.type == EntryType::kDir && l.name == "Messages") messages_dir = true;
  }
  if (LooksLikeMhFolder(files, Exists(frame->dir + "/.mh_sequences"))) {
    frame->store = Store::kMh;
    frame->folder = frame->relative.empty() ? root_name_ : frame->relative;
    frame->sequences = ParseMhSequences(ReadSequencesFile(frame->dir));
    std::vector<std::string> numbers;
    for (std::string& f : files) {
      if (IsMhMessageName(f) || IsMhDeletedName(f)) numbers.push_back(std::move(f));
    }
    std::sort(numbers.begin(), numbers.end(), MhNumberLess);
    for (std::string& n : numbers) frame->items.push_back({std::move(n), Item::kMhFile});
    for (Listed& l : listed) {
      if (l.type == EntryType::kDir) frame->items.push_back({std::move(l.name), Item::kDir});
    }
    return true;
  }
  const bool mailbox_dir = frame->dir.ends_with(".mbox");
  if (IsAppleMailExportMailbox(frame->dir, files)) {
    frame->store = Store::kAppleMailExport;
    frame->folder = AppleMailExportFolder(frame->relative.empty() ? root_name_ : frame->relative);
  }
  std::vector<Item> items;
  for (Listed& l : listed) {
    const std::string path = frame->dir + "/" + l.name;
    if (l.type == EntryType::kDir) {
      if (messages_dir && l.name == "Attachments") continue;  // parts of .partial.emlx files
      items.push_back({std::move(l.name), Item::kDir});
    } else if (IsMorkSummaryFile(path, l.name)) {
      frame->store = Store::kThunderbird;
    } else if (!(mailbox_dir && l.name == "Info.plist")) {
      items.push_back({std::move(l.name), Item::kFile});
    }
  }
  for (Item& item : items) {
    if (frame->store == Store::kThunderbird && item.kind == Item::kFile &&
        IsThunderbirdBookkeepingName(item.name)) {
      continue;
    }
    if (frame->store == Store::kAppleMailExport && item.kind == Item::kFile &&
        IsAppleMailExportIndexName(item.name)) {
      continue;
    }
    frame->items.push_back(std::move(item));
  }
  return true;
}

bool DirectoryWalker::Next(WalkEntry* out) {
  out->error.clear();
  out->maildir_message = false;
  out->source_format.clear();
  out->folder.clear();
  out->labels.clear();
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
        out->path = std::move(path);
        if (top.store == Store::kThunderbird) {
          out->folder = ThunderbirdMailboxName(Join(top.relative, item.name));
        } else if (top.store == Store::kAppleMailExport) {
          out->folder = top.folder;
        }
        return true;
      case Item::kMaildirFile:
      case Item::kMhFile:
        out->path = std::move(path);
        out->maildir_message = true;
        out->source_format = item.kind == Item::kMaildirFile ? "maildir" : "mh";
        out->folder = top.folder;
        if (item.kind == Item::kMaildirFile) {
          out->labels = MaildirFlagLabels(item.name);
        } else if (IsMhDeletedName(item.name)) {
          out->labels = {"\\Deleted"};  // a sequence names live messages only
        } else if (!top.sequences.empty()) {
          out->labels = MhSequenceNames(top.sequences, MhNumberOf(item.name));
        }
        return true;
      case Item::kDir:
      case Item::kMaildir: {
        std::string error;
        const bool maildir = item.kind == Item::kMaildir || IsMaildir(path);
        const std::string relative = Join(top.relative, item.name);
        // A Maildir++ subfolder ".Sent" is the folder "Sent" of the Maildir above it.
        std::string folder = relative;
        if (item.kind == Item::kMaildir) {
          folder = Join(top.folder, item.name.starts_with('.') ? item.name.substr(1) : item.name);
        }
        // Copies: Push may reallocate the stack that `top` and `item` live in.
        if (!Push(path, relative, folder, maildir, &error)) {
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
