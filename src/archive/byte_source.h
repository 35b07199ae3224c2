// ByteSource: a stream of bytes pulled in large blocks — a file descriptor, or a decompressor over
// another ByteSource. One virtual call per block, never per byte, so the mbox splitter's scanning
// loop stays free of indirection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "util/status.h"

namespace mv {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `cap` bytes into `dst`: the count, 0 at the end of the stream, or an error that
  // says what went wrong ("truncated gzip stream after 1234 bytes of output").
  virtual Result<size_t> Read(char* dst, size_t cap) = 0;
  // Drops the next `n` bytes; returns how many were dropped (fewer at the end of the stream).
  // Seekable files override this with lseek; everything else reads and discards.
  virtual Result<uint64_t> Skip(uint64_t n);
  // Total bytes the stream will yield when known cheaply (a regular uncompressed file), else 0.
  virtual uint64_t SizeHint() const { return 0; }
  // A descriptor for a regular, uncompressed file that this stream reads from offset 0 to
  // SizeHint(), so that a reader may map the file instead of reading it; -1 otherwise (pipes,
  // stdin, decompressors). The source keeps ownership.
  virtual int MappableFd() const { return -1; }
};

// Reads all of an in-memory string (tests and benchmarks feed the splitter with it).
class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* dst, size_t cap) override;
  uint64_t SizeHint() const override { return data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

struct OpenedSource {
  std::unique_ptr<ByteSource> source;
  const char* compression = nullptr;  // "gzip", "xz", "zstd", "bzip2", or null when uncompressed
};

// Opens `path` (the descriptor `stdin_fd`, not owned, when path is "-") and wraps it in the
// decompressor its magic bytes call for. Errors read like "No such file or directory".
Result<OpenedSource> OpenByteSource(const std::string& path, int stdin_fd);

// Fills `dst` with up to `cap` bytes, calling Read until `cap` bytes or the end of the stream.
Result<size_t> ReadFully(ByteSource* source, char* dst, size_t cap);

}  // namespace mv
