#include "archive/thunderbird_folder.h"

#include <fcntl.h>
#include <unistd.h>

namespace mv {

bool IsMorkSummaryFile(const std::string& path, std::string_view name) {
  if (!name.ends_with(".msf")) return false;
  constexpr std::string_view kMork = "// <!-- <mdb:mork";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char head[kMork.size()];
  size_t got = 0;
  while (got < sizeof head) {
    const ssize_t r = ::read(fd, head + got, sizeof head - got);
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  ::close(fd);
  return std::string_view(head, got) == kMork;
}

bool IsThunderbirdBookkeepingName(std::string_view name) {
  for (std::string_view known : {"msgFilterRules.dat", "popstate.dat", "filterlog.html",
                                 "junklog.html", "rules.dat", "folderTree.json"}) {
    if (name == known) return true;
  }
  return false;
}

std::string ThunderbirdMailboxName(std::string_view relative_path) {
  std::string out;
  size_t start = 0;
  for (;;) {
    const size_t slash = relative_path.find('/', start);
    std::string_view part = relative_path.substr(start, slash - start);
    if (slash != std::string_view::npos && part.ends_with(".sbd")) part.remove_suffix(4);
    if (!out.empty()) out.push_back('/');
    out.append(part);
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

}  // namespace mv
