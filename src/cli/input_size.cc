#include "cli/input_size.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace mv {
namespace {

bool CompressedName(std::string_view name) {
  for (std::string_view ext : {".gz", ".xz", ".zst", ".bz2", ".lzma", ".tgz"}) {
    if (name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext) return true;
  }
  return false;
}

bool CompressedMagic(const std::string& path) {
  unsigned char head[6] = {};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  const size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  static constexpr unsigned char kGzip[] = {0x1f, 0x8b};
  static constexpr unsigned char kXz[] = {0xfd, '7', 'z', 'X', 'Z', 0};
  static constexpr unsigned char kZstd[] = {0x28, 0xb5, 0x2f, 0xfd};
  static constexpr unsigned char kBzip2[] = {'B', 'Z', 'h'};
  return (n >= 2 && std::memcmp(head, kGzip, 2) == 0) ||
         (n >= 6 && std::memcmp(head, kXz, 6) == 0) ||
         (n >= 4 && std::memcmp(head, kZstd, 4) == 0) ||
         (n >= 3 && std::memcmp(head, kBzip2, 3) == 0);
}

}  // namespace

InputSize MeasureInputs(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  InputSize size;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path == "-" || path.find("://") != std::string::npos) {  // stdin, an IMAP URL
      size.known = false;
      continue;
    }
    const fs::file_status status = fs::status(path, ec);
    if (ec) continue;  // the reader reports it
    if (fs::is_directory(status)) {
      for (auto it = fs::recursive_directory_iterator(path, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code file_ec;
        if (!it->is_regular_file(file_ec)) continue;
        if (CompressedName(it->path().filename().string())) size.known = false;
        const uintmax_t bytes = it->file_size(file_ec);
        if (!file_ec) size.bytes += bytes;
      }
    } else if (fs::is_regular_file(status)) {
      if (CompressedMagic(path)) size.known = false;
      const uintmax_t bytes = fs::file_size(path, ec);
      if (!ec) size.bytes += bytes;
    } else {
      size.known = false;  // a pipe or device: no size up front
    }
  }
  return size;
}

}  // namespace mv
