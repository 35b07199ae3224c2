// Fuzzes the single-file path of the archive reader as a Maildir file reaches it: magic-byte
// detection, decompression of whatever gzip/xz/zstd/bzip2 stream the input holds, and the
// one-message rule (a leading "From " line dropped). The input is served through a memfd.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "archive/file_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = memfd_create("fuzz-maildir", 0);
  if (fd < 0) std::abort();
  if (size > 0 && write(fd, data, size) != static_cast<ssize_t>(size)) std::abort();
  lseek(fd, 0, SEEK_SET);
  mv::ArchiveOptions options;
  options.stdin_fd = fd;
  options.chunk_size = 4096;
  options.max_message_size = size_t{1} << 20;
  {
    mv::FileReader reader("-", options, /*maildir_message=*/true);
    mv::RawMessage m;
    int records = 0;
    while (reader.Next(&m)) {
      // A Maildir file is one message, plus at most one input error for a damaged stream.
      if (++records > 2) std::abort();
      if (!m.input_error && m.read_error.empty() && m.bytes.size() > options.max_message_size) {
        std::abort();
      }
    }
  }
  close(fd);
  return 0;
}
