// DkimVerifier: verifies every DKIM-Signature of a message (RFC 6376 6, RFC 8301, RFC 8463) against
// keys from a DnsResolver, and reports one DkimResult per signature. Body hashes are computed once
// per (canonicalization, hash, l=) in a single pass over the body; parsed keys are shared through a
// DkimKeyCache. A DkimVerifier is immutable after construction and safe to use from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dkim/dkim_key.h"
#include "dkim/dkim_status.h"
#include "dns/resolver.h"
#include "message/header_index.h"
#include "util/json_writer.h"

namespace mv {

struct DkimOptions {
  // Signatures checked per message, in header order; later ones are reported as not-checked.
  size_t max_signatures = 20;
  // Hostile-input bounds (docs/SECURITY.md). A signature whose h= names more header fields, or
  // whose key is larger, is permerror without any hashing or public-key work.
  size_t max_signed_headers = 1000;
  int max_key_bits = 16384;
  // The time signatures are judged at (x= expiry, t= in the future), in Unix seconds; 0 means the
  // wall clock when Verify is called.
  int64_t verify_time = 0;
  // A t= up to this far past the verification time is not "in the future" (clock skew). A t= later
  // than that is reported (reason future-timestamp) on a signature that verifies; RFC 6376 3.5 only
  // says verifiers MAY ignore such signatures, so it is permerror only under `strict`.
  int64_t allowed_clock_skew = 300;
  // RFC 8301 strictly: rsa-sha1 and RSA keys under 1024 bits are permerror instead of a reported
  // pass (and so is a t= in the future, see above).
  bool strict = false;
  // Also verify signatures from pre-RFC 4871 drafts (no v= or v=0.5); RFC 6376 6.1.1 permits it as
  // an option. Off: they are permerror tag-syntax.
  bool accept_draft_versions = false;
};

// Whether the message's body is the one delivered. Outlook stores (PST, OST, MSG) keep the header
// block but not the MIME body: then only the header signature can be checked (kUnavailable).
enum class DkimBody { kAvailable, kUnavailable };

struct DkimResult {
  DkimResultCode result = DkimResultCode::kPermError;
  DkimReason reason = DkimReason::kTagSyntax;
  std::string detail;  // human-readable explanation, may be empty
  std::string d, s, a, c, i;
  std::optional<uint64_t> l, t, x;
  std::vector<std::string> h;
  std::string b;     // b= as written without FWS, for Authentication-Results' header.b; "" if none
  int key_bits = 0;  // 0 when no key was obtained
  std::string key_source;   // DnsAnswer::source of the key ("dns", "zone", "keys"), empty if none
  std::string key_comment;  // the zone file's comment above the key used (e.g. recover-keys' proof)
  std::shared_ptr<const DkimKey> key;  // the key reported (the verifying one), null if none
  // A key archive's window for that key (--keys JSON/CSV), null otherwise.
  std::shared_ptr<const KeyArchiveWindow> key_seen;
  // Filled by the caller (verify/auth_check) and only written when set: the key-trust verdict
  // (keytrust/key_trust.h) with its findings, and "inside"/"outside" the archive window.
  std::string key_trust;
  std::vector<std::string> key_trust_detail;
  std::string key_window;
  bool testing = false;            // the key has t=y
  bool expired = false;            // x= is past, whatever the crypto result
  bool weak = false;               // rsa-sha1 or an RSA key under 1024 bits (RFC 8301)
  bool future = false;             // t= is later than the verification time plus the allowed skew
  uint64_t body_bytes_signed = 0;  // canonical body bytes covered: min(l=, body_bytes_total)
  uint64_t body_bytes_total = 0;   // canonical body length
  int64_t verified_at = 0;         // the verification time used
  // DkimBody::kUnavailable only: whether b= verifies over the signed header fields with bh= taken
  // as written (true: these headers were signed by d=; false: altered, or another key). Unset when
  // no key was obtained or the signature is unusable, so b= was never checked.
  std::optional<bool> header_signature;
};

class DkimVerifier {
 public:
  // `resolver` must outlive the verifier. A null `cache` gives the verifier its own.
  DkimVerifier(DnsResolver* resolver, DkimOptions options,
               std::shared_ptr<DkimKeyCache> cache = nullptr);

  // Verifies each DKIM-Signature of the message `index` describes. `verify_time` overrides the
  // option for this message (the CLI's --at received); 0 keeps the option. With `body`
  // kUnavailable no body hash is computed or compared: a signature whose key was obtained is
  // neutral (body-unavailable) with header_signature set, unless the time or strength rules make
  // it permerror (expired, and under `strict` the RFC 8301 cases) after b= verified.
  std::vector<DkimResult> Verify(const HeaderIndex& index, int64_t verify_time = 0,
                                 DkimBody body = DkimBody::kAvailable) const;

  const DkimOptions& options() const { return options_; }

 private:
  DnsResolver* resolver_;
  DkimOptions options_;
  std::shared_ptr<DkimKeyCache> cache_;
};

// Appends the key queries (selector._domainkey.domain TXT) the message's signatures will need, so
// a pipeline can prefetch them in batches. Only syntactically usable s=/d= pairs are added, at most
// DkimOptions{}.max_signatures per message, without duplicates.
void CollectDkimQuestions(const HeaderIndex& index, std::vector<DnsQuestion>* out);

// Writes the message's results as a JSON array (one object per signature; [] when unsigned).
void WriteDkimJson(const std::vector<DkimResult>& results, JsonWriter* json);

}  // namespace mv
