// ArcValidator: validates a message's Authenticated Received Chain (RFC 8617 5.2) and reports, for
// an investigator, what every hop recorded. Signature checks reuse the DKIM machinery (tag lists,
// canonicalization, body hashing, h= selection, key records, digest verification); RFC 8301 is
// applied to both signatures of a set (rsa-sha1 and RSA keys under 1024 bits fail).
//
// Every AMS and every AS of a well-formed chain is checked, even after the chain has already
// failed, so the report says which hop broke what; the chain result itself is the RFC's: pass only
// when the structure is sound, the cv= values follow 5.2 step 3, the newest AMS verifies and every
// AS verifies.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "arc/arc_fields.h"
#include "dkim/dkim_key.h"
#include "dns/resolver.h"
#include "message/header_index.h"

namespace mv {

enum class ArcResultCode { kNone, kPass, kFail };
std::string_view ArcResultName(ArcResultCode code);  // "none", "pass", "fail"

// The outcome of checking one AS or AMS.
struct ArcSignatureCheck {
  bool checked = false;  // false when the chain structure prevented the check
  // AMS only, on a message whose body the store did not keep: bh= was not compared, so `pass`
  // means the AMS's header signature verifies.
  bool body_unavailable = false;
  bool pass = false;
  bool temperror = false;  // the key lookup failed temporarily
  std::string reason;      // why it failed, or empty
  std::string d, s, a;
  int key_bits = 0;
  std::shared_ptr<const DkimKey> key;  // the key found, null if none
  // Filled by the caller (verify/auth_check), written only when set: see DkimResult::key_trust.
  std::string key_trust;
  std::vector<std::string> key_trust_detail;
};

struct ArcHop {
  int instance = 0;
  std::string authserv_id;         // from the AAR
  std::vector<AarResult> results;  // what the AAR recorded
  std::string cv;                  // the seal's cv= ("none", "pass", "fail"; empty if unreadable)
  ArcSignatureCheck seal;
  ArcSignatureCheck message_signature;
};

struct ArcResult {
  ArcResultCode result = ArcResultCode::kNone;
  int instances = 0;  // the highest instance found (N)
  // RFC 8617 5.2 step 5: 0 when every AMS from N down to 1 verifies, otherwise the instance just
  // above the newest AMS that fails (N-1 and older are checked); meaningful only for pass.
  int oldest_pass = 0;
  std::string reason;  // why the chain failed (or is none), for a person
  bool temperror = false;
  // Validated with the body unavailable (headers-only stores): no AMS body hash was compared, so a
  // pass says the seals and the AMS header signatures verify, not that the body is the one sealed.
  bool body_unavailable = false;
  std::vector<ArcHop> hops;  // by instance, 1 first
};

class ArcValidator {
 public:
  // `resolver` must outlive the validator. A DkimKeyCache may be shared with the DKIM verifier.
  explicit ArcValidator(DnsResolver* resolver, std::shared_ptr<DkimKeyCache> cache = nullptr);

  // `body_available` false: the message is only its header block (PST, OST, MSG); AMS body hashes
  // are not compared (see ArcResult::body_unavailable) instead of failing.
  ArcResult Validate(const HeaderIndex& index, bool body_available = true) const;

 private:
  DnsResolver* resolver_;
  std::shared_ptr<DkimKeyCache> cache_;
};

// Appends the key queries (s._domainkey.d TXT) of every ARC-Seal and ARC-Message-Signature, without
// duplicates, for batched prefetching.
void CollectArcQuestions(const HeaderIndex& index, std::vector<DnsQuestion>* out);

}  // namespace mv
