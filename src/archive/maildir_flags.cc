#include "archive/maildir_flags.h"

namespace mv {

std::vector<std::string> MaildirFlagLabels(std::string_view file_name) {
  const size_t slash = file_name.rfind('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  size_t info = file_name.rfind(":2,");
  if (info == std::string_view::npos) info = file_name.rfind("!2,");
  if (info == std::string_view::npos) return {};
  std::vector<std::string> labels;
  for (char flag : file_name.substr(info + 3)) {
    switch (flag) {
      case 'D':
        labels.emplace_back("\\Draft");
        break;
      case 'F':
        labels.emplace_back("\\Flagged");
        break;
      case 'P':
        labels.emplace_back("$Forwarded");
        break;
      case 'R':
        labels.emplace_back("\\Answered");
        break;
      case 'S':
        labels.emplace_back("\\Seen");
        break;
      case 'T':
        labels.emplace_back("\\Deleted");
        break;
      default:  // keywords (a-z) and flags this reader does not know
        break;
    }
  }
  return labels;
}

}  // namespace mv
