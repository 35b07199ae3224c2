#include "archive/olm_archive.h"

#include <fstream>
#include <string_view>

namespace mv {
namespace {

// The central directory (every entry's name) is at the end of a ZIP; a MiB of it holds thousands
// of names, and in an .olm nearly every one is under a com.microsoft.__ folder.
constexpr std::streamoff kTailBytes = 1 << 20;

}  // namespace

bool IsOlmArchive(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  if (!in.read(magic, sizeof magic) ||
      std::string_view(magic, 4) != std::string_view("PK\3\4", 4)) {
    return false;
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size <= 0) return false;
  const std::streamoff from = size > kTailBytes ? size - kTailBytes : 0;
  std::string tail(static_cast<size_t>(size - from), '\0');
  in.seekg(from);
  if (!in.read(tail.data(), static_cast<std::streamsize>(tail.size()))) return false;
  return tail.find("com.microsoft.__") != std::string::npos;
}

bool OlmArchiveReader::Next(RawMessage* out) {
  if (done_) return false;
  done_ = true;
  out->buffer.reset();
  out->bytes = {};
  out->provenance = Provenance{};
  out->provenance.source = path_;
  out->provenance.source_format = "olm";
  out->read_error = path_ +
                    ": Outlook for Mac archive (.olm): it keeps parsed fields and bodies but no "
                    "internet header block or original MIME, so nothing in it can be verified "
                    "(not read)";
  out->input_error = true;
  return true;
}

}  // namespace mv
