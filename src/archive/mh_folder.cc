#include "archive/mh_folder.h"

namespace mv {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

bool IsMhMessageName(std::string_view name) {
  return name.size() <= 10 && AllDigits(name) && name.front() != '0';
}

bool IsMhLeftoverName(std::string_view name) {
  if (name.size() > 1 && (name.front() == ',' || name.front() == '#')) {
    return AllDigits(name.substr(1));
  }
  if (name.size() > 1 && name.back() == '~') return AllDigits(name.substr(0, name.size() - 1));
  return false;
}

bool LooksLikeMhFolder(const std::vector<std::string>& file_names, bool has_sequences_file) {
  if (has_sequences_file) return true;
  bool numbered = false;
  for (const std::string& name : file_names) {
    if (IsMhMessageName(name)) {
      numbered = true;
    } else if (!IsMhLeftoverName(name)) {
      return false;
    }
  }
  return numbered;
}

bool MhNumberLess(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

}  // namespace mv
