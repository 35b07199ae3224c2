#include "spf/spf_result.h"

#include "message/header_index.h"

namespace mv {

std::string_view SpfResultName(SpfResult result) {
  switch (result) {
    case SpfResult::kNone:
      return "none";
    case SpfResult::kNeutral:
      return "neutral";
    case SpfResult::kPass:
      return "pass";
    case SpfResult::kFail:
      return "fail";
    case SpfResult::kSoftFail:
      return "softfail";
    case SpfResult::kTempError:
      return "temperror";
    case SpfResult::kPermError:
      return "permerror";
  }
  return "none";
}

bool ParseSpfResult(std::string_view word, SpfResult* result) {
  static constexpr SpfResult kAll[] = {
      SpfResult::kNone,     SpfResult::kNeutral,   SpfResult::kPass,     SpfResult::kFail,
      SpfResult::kSoftFail, SpfResult::kTempError, SpfResult::kPermError};
  for (SpfResult r : kAll) {
    if (EqualsIgnoreCase(word, SpfResultName(r))) {
      *result = r;
      return true;
    }
  }
  if (EqualsIgnoreCase(word, "error")) {
    *result = SpfResult::kTempError;
    return true;
  }
  if (EqualsIgnoreCase(word, "unknown")) {
    *result = SpfResult::kPermError;
    return true;
  }
  return false;
}

}  // namespace mv
