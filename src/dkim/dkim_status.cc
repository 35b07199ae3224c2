#include "dkim/dkim_status.h"

namespace mv {

std::string_view DkimResultName(DkimResultCode code) {
  switch (code) {
    case DkimResultCode::kNone:
      return "none";
    case DkimResultCode::kPass:
      return "pass";
    case DkimResultCode::kFail:
      return "fail";
    case DkimResultCode::kNeutral:
      return "neutral";
    case DkimResultCode::kPolicy:
      return "policy";
    case DkimResultCode::kTempError:
      return "temperror";
    case DkimResultCode::kPermError:
      return "permerror";
  }
  return "permerror";
}

std::string_view DkimReasonName(DkimReason reason) {
  switch (reason) {
    case DkimReason::kOk:
      return "ok";
    case DkimReason::kBodyHashMismatch:
      return "body-hash-mismatch";
    case DkimReason::kSignatureMismatch:
      return "signature-mismatch";
    case DkimReason::kKeyNotFound:
      return "key-not-found";
    case DkimReason::kKeyRevoked:
      return "key-revoked";
    case DkimReason::kKeySyntax:
      return "key-syntax";
    case DkimReason::kKeyHashMismatch:
      return "key-hash-mismatch";
    case DkimReason::kKeyService:
      return "key-service";
    case DkimReason::kKeyStrictDomain:
      return "key-strict-domain";
    case DkimReason::kDnsTempError:
      return "dns-temperror";
    case DkimReason::kExpired:
      return "expired";
    case DkimReason::kFutureTimestamp:
      return "future-timestamp";
    case DkimReason::kWeakAlgorithm:
      return "weak-algorithm";
    case DkimReason::kKeyTooSmall:
      return "key-too-small";
    case DkimReason::kTagSyntax:
      return "tag-syntax";
    case DkimReason::kUnsupportedAlgorithm:
      return "unsupported-algorithm";
    case DkimReason::kDomainMismatch:
      return "domain-mismatch";
    case DkimReason::kFromNotSigned:
      return "from-not-signed";
    case DkimReason::kNotChecked:
      return "not-checked";
    case DkimReason::kBodyUnavailable:
      return "body-unavailable";
  }
  return "unknown";
}

}  // namespace mv
