#include "evidence/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "scaleout/sha256.h"

namespace mv {
namespace {

Status Errno(std::string_view what, const std::string& path) {
  return Status::Error(std::string(what) + " " + path + ": " + std::strerror(errno));
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("cannot write", path);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Writes, fsyncs and closes; the first error wins and the descriptor is always closed.
Status WriteSyncClose(int fd, std::string_view bytes, const std::string& path) {
  Status st = WriteAll(fd, bytes, path);
  if (st.ok() && ::fsync(fd) != 0) st = Errno("cannot fsync", path);
  if (::close(fd) != 0 && st.ok()) st = Errno("cannot close", path);
  return st;
}

}  // namespace

Status WriteFileSynced(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create", path);
  return WriteSyncClose(fd, bytes, path);
}

Status ReplaceFileAtomically(const std::string& path, std::string_view bytes) {
  std::string temp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return Errno("cannot create a temporary file for", path);
  (void)::fchmod(fd, 0644);  // mkstemp makes 0600; evidence files are for reading
  Status st = WriteSyncClose(fd, bytes, temp);
  if (st.ok() && std::rename(temp.c_str(), path.c_str()) != 0) st = Errno("cannot rename", temp);
  if (!st.ok()) {
    ::unlink(temp.c_str());
    return st;
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return SyncPath(dir.empty() ? "." : dir);
}

Result<std::string> CopyFileSynced(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Errno("cannot open", from);
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    ::close(in);
    return Errno("cannot create", to);
  }
  Sha256 hash;
  std::vector<char> block(1 << 20);
  Status st;
  for (;;) {
    const ssize_t n = ::read(in, block.data(), block.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) st = Errno("cannot read", from);
    if (n <= 0) break;
    hash.Update({block.data(), static_cast<size_t>(n)});
    st = WriteAll(out, {block.data(), static_cast<size_t>(n)}, to);
    if (!st.ok()) break;
  }
  ::close(in);
  Status closed = WriteSyncClose(out, {}, to);
  if (!st.ok()) return st;
  if (!closed.ok()) return closed;
  return hash.HexDigest();
}

Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced ? Status::Ok() : Errno("cannot fsync", path);
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Errno("cannot open", path);
  std::string bytes;
  char block[65536];
  size_t n;
  while ((n = std::fread(block, 1, sizeof block, f)) > 0) bytes.append(block, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::Error("cannot read " + path);
  return bytes;
}

}  // namespace mv
