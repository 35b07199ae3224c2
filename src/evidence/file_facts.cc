#include "evidence/file_facts.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "scaleout/sha256.h"

namespace mv {
namespace {

bool Stat(const std::string& path, FileFacts* f) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    f->error = std::string("cannot stat: ") + std::strerror(errno);
    return false;
  }
  f->size = static_cast<uint64_t>(st.st_size);
  f->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

}  // namespace

std::vector<FileFacts> StatInput(const std::string& path) {
  std::vector<FileFacts> out;
  if (path == "-") {
    out.push_back({path, 0, 0, "", "standard input: not re-readable, not hashed", false});
    return out;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::vector<std::string> files;
    for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) {
      FileFacts f;
      f.path = file;
      Stat(file, &f);
      out.push_back(std::move(f));
    }
    return out;
  }
  FileFacts f;
  f.path = path;
  Stat(path, &f);
  out.push_back(std::move(f));
  return out;
}

void HashFacts(std::vector<FileFacts>* facts) {
  for (FileFacts& f : *facts) {
    if (!f.error.empty()) continue;
    const FileFacts before = f;
    Result<std::string> sha = Sha256OfFile(f.path);
    if (!sha.ok()) {
      f.error = sha.error();
      continue;
    }
    f.sha256 = *sha;
    if (Stat(f.path, &f)) {
      f.changed_during_run = f.size != before.size || f.mtime_ns != before.mtime_ns;
    }
  }
}

FileFacts FactsOfFile(const std::string& path) {
  std::vector<FileFacts> one(1);
  one[0].path = path;
  if (Stat(path, &one[0])) HashFacts(&one);
  return one[0];
}

}  // namespace mv
