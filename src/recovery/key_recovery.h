// KeyRecovery: `mailverify recover-keys` as a library call. Reads an archive, finds the key names
// whose DKIM key is gone (NXDOMAIN/NODATA) or revoked (empty p=) — or the names asked for — and
// rebuilds their RSA keys from pairs of signatures (ModulusSearch), one key name per TBB task with
// a time cap each, then proves every key found by re-reading the archive with the real DKIM
// verifier (KeyConfirmation). The result is what the recovered-keys zone file is written from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dns/resolver.h"
#include "recovery/modulus_search.h"
#include "util/status.h"

namespace mv {

struct KeyRecoveryOptions {
  std::vector<std::string> inputs;  // paths the archive reader accepts; not stdin (read twice)
  // Key names (selector._domainkey.domain) to recover whatever DNS says; empty: every name whose
  // key is missing or revoked.
  std::vector<std::string> key_names;
  double max_seconds_per_key = 600;  // per key name, checked between gcds
  int threads = 0;                   // key names recovered at once; 0: one per core
  std::vector<unsigned long> exponents = {3, 65537};
  int64_t verify_time = 0;  // for the confirmation verdicts; 0: now
};

struct KeyRecoveryProgress {
  size_t names_total = 0;
  size_t names_done = 0;
  size_t keys_found = 0;
  size_t pairs_tried = 0;  // over all names so far
};

// A signature as the report names it.
struct SampleOrigin {
  std::string source;
  uint64_t index = 0;
  size_t field = 0;
  std::string message_id;
};

struct RecoveredKey {
  std::string key_name;
  std::string record;  // TXT record text: "v=DKIM1; k=rsa; p=..."
  RsaPublicNumbers numbers;
  int bits = 0;
  SampleOrigin pair[2];  // the two signatures it was computed from
  // From the DKIM verifier over the whole archive (KeyConfirmation):
  bool pair_verified = false;             // both pair signatures verify
  uint64_t verified_others = 0;           // other signatures under the name that verify
  uint64_t verified_others_distinct = 0;  // of those, with a b= value not seen before
  uint64_t name_signatures = 0;           // signatures under the name in the archive
  // Confirmed: the key verifies at least one signature with a different b= beyond its own pair.
  bool confirmed() const { return pair_verified && verified_others_distinct > 0; }
};

struct KeyNameOutcome {
  std::string key_name;
  std::string why;             // "nxdomain", "nodata", "revoked" or "selected"
  size_t samples = 0;          // RSA signatures under the name
  ModulusSearchResult search;  // counts and times (search.keys: see `keys`)
  std::vector<size_t> keys;    // indexes into KeyRecoveryReport::keys
  std::string outcome;         // one line for people: what happened
};

struct KeyRecoveryReport {
  std::vector<RecoveredKey> keys;     // in key-name order, then in order found
  std::vector<KeyNameOutcome> names;  // every candidate name, sorted
  uint64_t messages = 0;
  uint64_t names_with_key = 0;    // names skipped: DNS has a usable key (or another record)
  uint64_t names_dns_failed = 0;  // names skipped: temperror / permerror
  std::vector<std::string> failed_inputs;
  double seconds = 0;
};

// `resolver` answers the key lookups (it may be null when key_names is given); `progress`, if set,
// is called (serialised) as work advances.
Result<KeyRecoveryReport> RecoverKeys(
    const KeyRecoveryOptions& options, DnsResolver* resolver,
    const std::function<void(const KeyRecoveryProgress&)>& progress = nullptr);

}  // namespace mv
