#include "dkim/body_unavailable.h"

namespace mv {

void MarkBodyUnavailable(std::vector<DkimResult>* results) {
  for (DkimResult& r : *results) {
    if (r.result != DkimResultCode::kFail || r.reason != DkimReason::kBodyHashMismatch) continue;
    r.result = DkimResultCode::kNeutral;
    r.reason = DkimReason::kBodyUnavailable;
    r.detail =
        "bh= does not match, but the store kept the body incomplete: the body cannot be checked";
  }
}

}  // namespace mv
