#include "archive/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "archive/decompressing_source.h"

namespace mv {

namespace {

std::string ErrnoText(int err) {
  return std::strerror(err);
}

// A file descriptor, with the few bytes already read to sniff the magic number served first (so
// pipes, which cannot seek back, work the same as files).
class FdSource : public ByteSource {
 public:
  FdSource(int fd, bool owned, std::string_view prefix, uint64_t size_hint)
      : fd_(fd), owned_(owned), prefix_(prefix), size_hint_(size_hint) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }

  Result<size_t> Read(char* dst, size_t cap) override {
    size_t n = 0;
    if (prefix_pos_ < prefix_.size()) {
      n = std::min(cap, prefix_.size() - prefix_pos_);
      std::memcpy(dst, prefix_.data() + prefix_pos_, n);
      prefix_pos_ += n;
      return n;
    }
    for (;;) {
      ssize_t r = ::read(fd_, dst, std::min<size_t>(cap, size_t{1} << 30));
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return Status::Error("read failed: " + ErrnoText(errno));
    }
  }

  Result<uint64_t> Skip(uint64_t n) override {
    if (size_hint_ == 0) return ByteSource::Skip(n);  // not a regular file: read and discard
    uint64_t from_prefix = std::min<uint64_t>(n, prefix_.size() - prefix_pos_);
    prefix_pos_ += from_prefix;
    uint64_t rest = n - from_prefix;
    off_t cur = ::lseek(fd_, 0, SEEK_CUR);
    if (cur < 0) {
      Result<uint64_t> r = ByteSource::Skip(rest);
      if (!r.ok()) return r.status();
      return from_prefix + *r;
    }
    uint64_t target = std::min<uint64_t>(static_cast<uint64_t>(cur) + rest, size_hint_);
    if (::lseek(fd_, static_cast<off_t>(target), SEEK_SET) < 0) {
      return Status::Error("seek failed: " + ErrnoText(errno));
    }
    return from_prefix + (target - static_cast<uint64_t>(cur));
  }

  uint64_t SizeHint() const override { return size_hint_; }
  // Only files opened here: an inherited descriptor (stdin redirected from a file) may not be at
  // offset 0, and read(2) honours its position where a mapping would not.
  int MappableFd() const override { return owned_ && size_hint_ > 0 ? fd_ : -1; }

 private:
  int fd_;
  bool owned_;
  std::string prefix_;
  size_t prefix_pos_ = 0;
  uint64_t size_hint_;
};

}  // namespace

Result<uint64_t> ByteSource::Skip(uint64_t n) {
  std::vector<char> scratch(std::min<uint64_t>(n, uint64_t{1} << 20));
  uint64_t done = 0;
  while (done < n) {
    Result<size_t> r = Read(scratch.data(), std::min<uint64_t>(n - done, scratch.size()));
    if (!r.ok()) return r.status();
    if (*r == 0) break;
    done += *r;
  }
  return done;
}

Result<size_t> MemorySource::Read(char* dst, size_t cap) {
  size_t n = std::min(cap, data_.size() - pos_);
  std::memcpy(dst, data_.data() + pos_, n);
  pos_ += n;
  return n;
}

Result<size_t> ReadFully(ByteSource* source, char* dst, size_t cap) {
  size_t got = 0;
  while (got < cap) {
    Result<size_t> r = source->Read(dst + got, cap - got);
    if (!r.ok()) return r.status();
    if (*r == 0) break;
    got += *r;
  }
  return got;
}

Result<OpenedSource> OpenByteSource(const std::string& path, int stdin_fd) {
  int fd = stdin_fd;
  bool owned = false;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::Error(ErrnoText(errno));
    owned = true;
  }
  struct stat st;
  uint64_t size_hint = 0;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      if (owned) ::close(fd);
      return Status::Error("is a directory");
    }
    if (S_ISREG(st.st_mode)) {
      size_hint = static_cast<uint64_t>(st.st_size);
      ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
  }
  // Sniff the magic number; keep the bytes so the stream still starts at offset 0.
  char head[6];
  size_t got = 0;
  while (got < sizeof head) {
    ssize_t r = ::read(fd, head + got, sizeof head - got);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      if (owned) ::close(fd);
      return Status::Error(ErrnoText(err));
    }
    got += static_cast<size_t>(r);
  }
  std::string_view prefix(head, got);
  Compression c = DetectCompression(prefix);
  OpenedSource opened;
  opened.source =
      std::make_unique<FdSource>(fd, owned, prefix, c == Compression::kNone ? size_hint : 0);
  opened.compression = c == Compression::kNone ? nullptr : CompressionName(c);
  opened.source = MakeDecompressingSource(c, std::move(opened.source));
  return opened;
}

}  // namespace mv
