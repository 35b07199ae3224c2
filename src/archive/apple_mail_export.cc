#include "archive/apple_mail_export.h"

#include <algorithm>

namespace mv {
namespace {

constexpr std::string_view kMailboxSuffix = ".mbox";

}  // namespace

bool IsAppleMailExportMailbox(std::string_view dir, const std::vector<std::string>& files) {
  return dir.size() > kMailboxSuffix.size() && dir.ends_with(kMailboxSuffix) &&
         std::find(files.begin(), files.end(), "mbox") != files.end();
}

bool IsAppleMailExportIndexName(std::string_view name) {
  return name == "table_of_contents";
}

std::string AppleMailExportFolder(std::string_view relative_dir) {
  std::string out;
  size_t start = 0;
  for (;;) {
    const size_t slash = relative_dir.find('/', start);
    std::string_view part = relative_dir.substr(start, slash - start);
    if (part.size() > kMailboxSuffix.size() && part.ends_with(kMailboxSuffix)) {
      part.remove_suffix(kMailboxSuffix.size());
    }
    if (!out.empty()) out.push_back('/');
    out.append(part);
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

}  // namespace mv
