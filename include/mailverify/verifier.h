// mailverify/verifier.h: the embedding API. A Verifier authenticates one message at a time — every
// DKIM signature, SPF on the envelope recovered from its Received/Return-Path fields, the ARC
// chain and DMARC — exactly as `mailverify scan` does, and returns the scan's JSON record for it
// together with the main verdicts as typed fields. Verify is const and thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailverify/resolver.h"

namespace mv {

// A verdict as RFC 8601 (Authentication-Results) names it.
enum class Verdict { kNone, kPass, kFail, kSoftFail, kNeutral, kPolicy, kTempError, kPermError };
// "none", "pass", "fail", "softfail", "neutral", "policy", "temperror", "permerror".
std::string_view VerdictName(Verdict verdict);

// How DMARC is judged: RFC 7489, RFC 9989 (DMARCbis), or whichever was in force at the message's
// verification time (the default, as `--dmarc-rules auto`).
enum class DmarcRuleSet { kAuto, kRfc7489, kRfc9989 };

struct VerifierOptions {
  // Verification time for DKIM x=/t= and SPF, unix seconds. Unset: when the Verifier is made
  // (`--at` now), or, with `at_received`, each message's receive time (`--at received`).
  std::optional<int64_t> at;
  bool at_received = false;
  // The authserv-id of the Authentication-Results written; empty: this host's name.
  std::string authserv_id;
  // Hosts or addresses of the receiving site (`--receiver`), to find the Received field SPF uses.
  std::vector<std::string> receivers;
  bool message_hash = true;  // the record's `sha256` of the bytes verified (off: `--no-hash`)
  bool strict = false;       // `--strict`: refuse what RFC 6376 allows but is unsafe
  DmarcRuleSet dmarc_rules = DmarcRuleSet::kAuto;
  // Key trust (`dkim[].key_trust`): the installed list of published private keys plus these files.
  bool key_trust = true;
  std::vector<std::string> compromised_keys_files;
};

struct DkimSignatureVerdict {
  std::string domain;    // d=
  std::string selector;  // s=
  Verdict result = Verdict::kNone;
  std::string reason;  // "ok", "body-hash-mismatch", ...
};

struct VerifyResult {
  // The record `mailverify scan` writes for the message: one JSON object, no line break.
  std::string json;
  // Empty unless the message could not be read or its header section is malformed.
  std::string error;
  std::optional<std::string> message_id;
  std::optional<std::string> from;
  std::optional<std::string> subject;
  // Pass when any signature passed, else the first signature's result, none when unsigned.
  Verdict dkim = Verdict::kNone;
  std::vector<DkimSignatureVerdict> dkim_signatures;  // top first, as in the header
  Verdict spf = Verdict::kNone;
  Verdict dmarc = Verdict::kNone;
  std::string dmarc_policy;  // the policy that applied: none, quarantine, reject, or empty
  Verdict arc = Verdict::kNone;
  // The Authentication-Results field value (without the field name).
  std::string auth_results;
  bool bounce = false;  // an RFC 3464 delivery status notification
};

class Verifier {
 public:
  // Null when `resolver` is null or a key-trust list cannot be read (`error` says why). The
  // resolver is shared: several Verifiers may use one.
  static std::unique_ptr<Verifier> Create(std::shared_ptr<Resolver> resolver,
                                          VerifierOptions options = {},
                                          std::string* error = nullptr);
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // Verifies one message (its bytes as delivered, CRLF or LF line ends). `source` names it in the
  // record. Never throws for bad input: a malformed message gives a record with `error` set.
  VerifyResult Verify(std::string_view message, std::string_view source = "-") const;

  struct Impl;  // the library's checks; opaque to callers

 private:
  explicit Verifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The version, git commit, build type and the run-time versions of the libraries that do the
// cryptography and DNS, one "name value" per line (what `mailverify --version` prints).
std::string VersionReport();

}  // namespace mv
