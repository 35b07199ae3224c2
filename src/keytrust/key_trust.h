// KeyTrust: whether a DKIM pass made with a key is evidence. A signature proves that whoever made
// it held the private key; that matters only if nobody else can. This unit judges each public key:
//
//   published-private-key  its fingerprint is on a list of keys whose private half is public
//   shared-prime           its modulus shares a prime with another modulus met (batch GCD)
//   close-primes           Fermat's method factors it in a few steps
//   small                  RSA below 1024 bits (512 bits: hours on rented machines; RSA-768 was
//                          factored in 2009)
//   roca                   the Infineon RSALib structure (CVE-2017-15361)
//
// listed worst first (by the work a forger needs); `ok` when none applies. The verdict of a key is
// computed once per key record and cached; Assess is thread-safe.
//
// Shared primes and a streaming scan: a record is written before later keys are met, so the
// per-signature verdict can only know the moduli known when the key is met. The design: every
// modulus from the --keys and --dns-zone files and --known-moduli is collected before the scan and
// batch GCD runs over them once (AddRecord, AddKnownModulus, then Prepare); a key met later (live
// DNS) is checked against the product of that set (one division), and against the running product
// of the keys met before it in the run that were not upfront (one division and one
// multiplication, for the first 1,024 such keys), so the second key of a pair both first met live
// is flagged in its own verdict, and the first key's verdict from then on. At the end of the run,
// LateFindings runs batch GCD over the keys met that were not known before and adds what the
// upfront pass and the per-key checks already found; those go to the run summary, which names the
// first key of such a pair, whose earlier records could not (and `keys audit` over a --dns-record
// snapshot gives them per key). The upfront set is never run through batch GCD twice.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/dkim_key.h"
#include "keytrust/big_int.h"
#include "keytrust/compromised_keys.h"
#include "keytrust/public_key_facts.h"
#include "util/status.h"

namespace mv {

// In increasing order of severity: a verdict reports the largest.
enum class KeyTrustKind { kOk, kRoca, kSmall, kClosePrimes, kSharedPrime, kPublishedPrivateKey };
std::string_view KeyTrustName(KeyTrustKind kind);  // "ok", "roca", "small", ...

struct KeyTrustFinding {
  KeyTrustKind kind = KeyTrustKind::kOk;
  std::string detail;  // for a person: why, and where the claim comes from
};

struct KeyTrustVerdict {
  KeyTrustKind worst = KeyTrustKind::kOk;
  std::vector<KeyTrustFinding> findings;  // worst first; empty for ok
  std::string fingerprint;                // SHA-256 of the SubjectPublicKeyInfo, hex
};

struct KeyTrustOptions {
  size_t fermat_steps = 100;
};

class KeyTrust {
 public:
  explicit KeyTrust(KeyTrustOptions options = {}) : options_(options) {}

  // Fingerprints of published private keys (see compromised_keys.h).
  Status LoadCompromisedKeys(const std::string& path) { return compromised_.LoadFile(path); }
  // One hexadecimal modulus per line ('#' comments, blank lines allowed), labelled "FILE:LINE".
  Status LoadKnownModuli(const std::string& path);
  void AddKnownModulus(const BigInt& modulus, std::string label);
  // A key record known before the scan, at DNS name `label`. Records that are not RSA keys are
  // ignored.
  void AddRecord(std::string_view label, std::string_view record);
  // Runs batch GCD over the moduli added so far. Call once, before Assess.
  void Prepare();

  // The verdict on `key`, met at DNS name `label` (remembered for LateFindings).
  KeyTrustVerdict Assess(const DkimKey& key, std::string_view label);

  // One line per modulus met in the run that shares a prime with a modulus added or met,
  // "LABEL shares a prime with LABEL, ...". Call after the scan.
  std::vector<std::string> LateFindings() const;

  size_t prepared_moduli() const { return upfront_.size(); }

 private:
  struct Modulus {
    BigInt n;
    std::set<std::string> labels;
    bool record = false;  // from a key record (may be met), not only from --known-moduli
  };
  std::string UpfrontLabels(size_t index) const;
  std::vector<size_t> PartnersOf(const BigInt& n) const;  // upfront moduli sharing a prime with n
  std::vector<size_t> PairwisePartners(const BigInt& n) const;  // the same, one gcd each
  // The verdict; `partners` receives the upfront moduli sharing a prime with the key's modulus.
  KeyTrustVerdict Judge(const PublicKeyFacts& facts, std::vector<size_t>* partners) const;

  KeyTrustOptions options_;
  CompromisedKeys compromised_;
  // Set up before the scan, read-only after Prepare.
  std::vector<Modulus> upfront_;
  std::map<BigInt, size_t> upfront_index_;
  std::map<size_t, std::vector<size_t>> upfront_partners_;
  BigInt product_;  // of the upfront moduli, for checking a modulus met later
  // Filled by Assess. Verdicts are cached by the key's record text, which DkimKey keeps: a hit
  // costs one lookup, where the fingerprint would cost a DER encoding and a hash per signature.
  struct Seen {
    KeyTrustVerdict verdict;
    bool rsa = false;
    BigInt modulus;
    std::vector<std::string> labels;  // the names it was met at
  };
  mutable std::mutex mu_;
  std::map<BigInt, std::set<std::string>> met_;  // modulus -> names met at
  // Moduli met that were not upfront -> the upfront moduli they share a prime with (from Judge).
  std::map<BigInt, std::vector<size_t>> met_new_partners_;
  // Moduli met that were only in --known-moduli (upfront index) -> the upfront moduli they share a
  // prime with (from Judge).
  std::map<size_t, std::vector<size_t>> met_known_partners_;
  std::map<std::string, Seen, std::less<>> seen_;
  // The keys met that were not upfront, in the order met, and the product of their moduli.
  struct Running {
    BigInt modulus;
    std::string record;  // key into seen_
    std::string label;   // the name it was first met at
  };
  // Flags `seen` (just added for `record`, met at `label`) and the earlier keys of running_ that
  // share a prime with it, then adds it to the running product. Called with mu_ held.
  void CheckAgainstMetSoFar(const std::string& record, std::string_view label, Seen* seen);
  std::vector<Running> running_;
  BigInt running_product_;
};

}  // namespace mv
