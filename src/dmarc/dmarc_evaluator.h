// DmarcEvaluator: RFC 7489 or RFC 9989 evaluation of one message (DmarcInput::rules says which;
// the RFC 9989 path is in dmarcbis_evaluation.h). It takes the RFC5322.From field value(s) and
// what DKIM and SPF concluded, as plain strings (so it does not depend on those modules' types),
// discovers the policy in DNS (_dmarc.<from domain>, then the organizational domain), checks
// identifier alignment and says what the domain owner asks for.
//
// Sampling (pct=): a failing message is "sampled" when FNV-1a-64(sampling_key) mod 100 < pct. The
// key is chosen by the caller (the pipeline uses the Message-ID, or the provenance when there is
// none), so a re-run over the same archive samples the same messages. A message that is not sampled
// gets the next milder disposition (RFC 7489 6.6.4: reject -> quarantine, quarantine -> none).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dmarc/dmarc_record.h"
#include "dmarc/dmarc_rules.h"
#include "dns/resolver.h"
#include "message/header_index.h"

namespace mv {

struct DkimIdentity {
  std::string domain;  // the signature's d=
  bool pass = false;   // the signature verified
};

struct SpfIdentity {
  std::string domain;  // the RFC5321.MailFrom domain (the HELO domain for a null sender)
  std::string result;  // RFC 7208 word: pass, fail, softfail, neutral, none, temperror, permerror
  bool helo = false;   // the domain is the HELO identity, which RFC 9989 4.4.2 never aligns
};

struct DmarcInput {
  std::vector<std::string_view> from_values;  // the value of every From header field, in order
  std::vector<DkimIdentity> dkim;
  SpfIdentity spf;
  std::string_view sampling_key;
  DmarcRules rules = DmarcRules::kRfc7489;
};

enum class DmarcResultCode { kNone, kPass, kFail, kTempError, kPermError };
std::string_view DmarcResultName(DmarcResultCode code);  // "none", "pass", ...

struct DmarcResult {
  DmarcResultCode result = DmarcResultCode::kNone;
  DmarcRules rules = DmarcRules::kRfc7489;
  size_t from_count = 0;    // From header fields in the message
  size_t from_index = 0;    // the one whose domain was judged (meaningful when from_domain is set)
  std::string from_domain;  // lower-cased RFC5322.From domain (empty when it could not be read)
  std::string org_domain;   // its organizational domain
  std::string policy_domain;  // the domain whose _dmarc record was used
  std::string record_text;    // that record as published
  std::optional<DmarcRecord> record;
  // Which tag applies to this From domain: "p", "sp" (subdomain of the org domain, policy found at
  // the org domain) or "np" (that subdomain does not exist and the record has np=); and its value.
  std::string applied_tag;
  std::string applied_policy;
  // What the owner asks for this message: "none", "quarantine" or "reject" (always "none" unless
  // the result is fail), after pct sampling.
  std::string disposition = "none";
  // The policy that applies to this From domain after p/sp/np and (RFC 9989) t=, whatever the
  // result; empty when no record applies.
  std::string policy;
  bool testing = false;  // RFC 9989 t=y
  bool sampled = true;
  bool dkim_aligned = false;
  bool spf_aligned = false;
  std::string aligned_dkim_domain;  // the d= of the first passing aligned signature
  std::string reason;               // why the result is what it is, for a person
  // RFC 9989: the _dmarc names policy discovery asked (4.10.1), and the organizational domain of
  // every identifier that needed a walk of its own (4.10.2), in the order they were walked.
  std::vector<std::string> discovery_queries;
  std::vector<std::pair<std::string, std::string>> identifier_org_domains;
};

class DmarcEvaluator {
 public:
  explicit DmarcEvaluator(DnsResolver* resolver) : resolver_(resolver) {}
  DmarcResult Evaluate(const DmarcInput& input) const;

 private:
  DnsResolver* resolver_;
};

// The value of every From header field, top to bottom: what DmarcInput::from_values expects.
std::vector<std::string_view> FromFieldValues(const HeaderIndex& index);

// The From domain DMARC would evaluate, or why there is none (RFC 7489 6.6.1: exactly one From
// field holding exactly one mailbox with a domain name).
Result<std::string> ExtractFromDomain(const std::vector<std::string_view>& from_values);

// The TXT questions the evaluation of `from_domain` may ask: _dmarc.<domain> and, when different,
// _dmarc.<organizational domain>. The np= existence check (A/AAAA/MX of the From domain) is asked
// only when a record has np=, so it is not prefetched.
std::vector<DnsQuestion> CollectDmarcQuestions(std::string_view from_domain);

// Whether two domains align: strict means equal, relaxed means equal organizational domains.
bool DomainsAlign(std::string_view a, std::string_view b, bool strict);

}  // namespace mv
