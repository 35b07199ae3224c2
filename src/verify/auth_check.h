// AuthCheck: the pipeline's check that authenticates one message end to end — every DKIM signature,
// SPF on the envelope recovered from the header, the ARC chain, then DMARC on top of the DKIM and
// SPF results — and writes the `dkim`, `spf`, `arc`, `dmarc` and `auth_results` members of its
// record. It only composes the protocol modules; each of them is usable on its own.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "arc/arc_validator.h"
#include "dkim/dkim_verifier.h"
#include "dmarc/dmarc_evaluator.h"
#include "keytrust/key_trust.h"
#include "keytrust/key_usage_log.h"
#include "pipeline/message_check.h"
#include "spf/spf_check.h"

namespace mv {

// How the verification time (DKIM x= and t=, SPF %{t}) is chosen for each message.
enum class VerifyTimeMode {
  kFixed,     // --at TIME: the same time for every message
  kReceived,  // --at received: the receive time the store recorded (Provenance::received_at,
              // e.g. an .emlx's date-received), else the time of the topmost Received field
              // (RFC 6376 6.1.1 suggests it when it is reliably known), else the Date field, else
              // the run's start time
};

struct AuthCheckOptions {
  DkimOptions dkim;  // dkim.verify_time is ignored: the time comes from the fields below
  SpfOptions spf;
  std::string authserv_id;  // the Authentication-Results authserv-id written
  VerifyTimeMode time_mode = VerifyTimeMode::kFixed;
  int64_t fixed_time = 0;  // kFixed: the time; kReceived: the fallback (the run's start)
  // --dmarc-rules: RFC 9989 or RFC 7489, or (auto) whichever was in force at each message's
  // verification time.
  DmarcRulesChoice dmarc_rules = DmarcRulesChoice::kAuto;
  // Optional, owned by the caller and shared by all threads: key-trust verdicts for every DKIM and
  // ARC key found (dkim[].key_trust), and the log `keys export` writes.
  KeyTrust* key_trust = nullptr;
  KeyUsageLog* key_usage = nullptr;
};

class AuthCheck : public MessageCheck {
 public:
  // `resolver` must outlive the check; it is shared by all threads (through the DNS cache).
  AuthCheck(DnsResolver* resolver, AuthCheckOptions options);

  void CollectQuestions(const ParsedMessage& msg, std::vector<DnsQuestion>* out) const override;
  void CollectFollowUps(const ParsedMessage& msg, std::vector<DnsQuestion>* out) const override;
  void Run(const ParsedMessage& msg, MessageRecord* record) const override;

 private:
  int64_t VerificationTime(const HeaderIndex& headers, const Provenance& provenance) const;
  // Key trust, archive windows and key usage for each signature (verify/key_annotations.cc).
  void AnnotateKeys(const HeaderIndex& headers, std::vector<DkimResult>* dkim, ArcResult* arc,
                    MessageRecord* record) const;

  DnsResolver* resolver_;
  AuthCheckOptions options_;
  std::shared_ptr<DkimKeyCache> keys_;  // shared by DKIM and ARC: one parse per key record
  DkimVerifier dkim_;
  ArcValidator arc_;
  DmarcEvaluator dmarc_;
};

}  // namespace mv
