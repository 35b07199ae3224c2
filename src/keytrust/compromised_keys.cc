#include "keytrust/compromised_keys.h"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mv {

Status CompromisedKeys::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return LoadText(text.str(), path);
}

Status CompromisedKeys::LoadText(std::string_view text, std::string_view display_name) {
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_number;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
      line.remove_suffix(1);
    }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) {
      line.remove_prefix(1);
    }
    if (line.empty()) continue;
    const size_t space = line.find_first_of(" \t");
    std::string fingerprint(line.substr(0, space));
    for (char& c : fingerprint) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool hex = fingerprint.size() == 64;
    for (char c : fingerprint) hex = hex && std::isxdigit(static_cast<unsigned char>(c));
    if (!hex) {
      return Status::Error(std::string(display_name) + ":" + std::to_string(line_number) +
                           ": expected a SHA-256 fingerprint (64 hex digits)");
    }
    std::string_view description =
        space == std::string_view::npos ? std::string_view() : line.substr(space);
    while (!description.empty() && std::isspace(static_cast<unsigned char>(description.front()))) {
      description.remove_prefix(1);
    }
    entries_[fingerprint] =
        description.empty() ? "listed as compromised" : std::string(description);
  }
  return Status::Ok();
}

const std::string* CompromisedKeys::Find(std::string_view fingerprint) const {
  auto it = entries_.find(fingerprint);
  return it == entries_.end() ? nullptr : &it->second;
}

std::string DefaultCompromisedKeysFile() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::filesystem::path installed =
        exe.parent_path().parent_path() / "share/mailverify/compromised-keys.txt";
    if (std::filesystem::exists(installed, ec)) return installed.string();
  }
  return MV_SOURCE_DATA_DIR "/compromised-keys.txt";
}

}  // namespace mv
