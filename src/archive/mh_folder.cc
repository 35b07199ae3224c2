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

bool IsMhDeletedName(std::string_view name) {
  return name.size() > 1 && (name.front() == ',' || name.front() == '#') &&
         IsMhMessageName(name.substr(1));
}

uint64_t MhNumberOf(std::string_view name) {
  if (!name.empty() && (name.front() == ',' || name.front() == '#')) name.remove_prefix(1);
  uint64_t n = 0;
  for (char c : name) n = n * 10 + static_cast<uint64_t>(c - '0');
  return n;
}

bool MhNumberLess(std::string_view a, std::string_view b) {
  const uint64_t na = MhNumberOf(a), nb = MhNumberOf(b);
  if (na != nb) return na < nb;
  const bool deleted_a = IsMhDeletedName(a), deleted_b = IsMhDeletedName(b);
  if (deleted_a != deleted_b) return deleted_b;  // the message N before a deleted N
  return a < b;
}

}  // namespace mv
