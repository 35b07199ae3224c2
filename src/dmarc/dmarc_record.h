// A DMARC policy record parsed from the text of one TXT record, by the rules of RFC 7489 (6.3/6.4,
// plus DMARCbis np=) or of RFC 9989 (4.7/4.8, with psd= and t=, and pct=/rf=/ri= removed). Either
// way a record must start with v=DMARC1; a missing or invalid p= (or an invalid sp=, and under RFC
// 9989 an invalid np=) leaves a usable record only when rua= holds a valid URI, and then means
// p=none; bad values of the other tags fall back to their defaults and are noted in `warnings`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dmarc/dmarc_rules.h"
#include "util/status.h"

namespace mv {

// RFC 9989 4.10.1: what a receiver does with a record it found.
enum class DmarcApplicability {
  kApply,         // the record's policy applies
  kAsNone,        // no valid p= (or sp=/np=), but a valid rua=: processed as p=none
  kNoProcessing,  // neither: no DMARC processing (RFC 9989 only; RFC 7489 parsing fails instead)
};

struct DmarcRecord {
  std::string policy;              // p: "none", "quarantine" or "reject"
  std::string subdomain_policy;    // sp as written (validated); empty when absent
  std::string nonexistent_policy;  // np (DMARCbis) when present and valid; empty otherwise
  bool strict_dkim = false;        // adkim=s
  bool strict_spf = false;         // aspf=s
  int pct = 100;
  std::vector<std::string> rua;
  std::vector<std::string> ruf;
  std::string fo = "0";
  std::string rf = "afrf";
  uint32_t ri = 86400;
  // True when p= was missing/invalid (or sp= invalid) and the valid rua= turned the record into
  // p=none.
  bool policy_defaulted = false;
  // RFC 9989 4.7 (under RFC 7489 these are unknown tags and keep their defaults):
  char psd = 'u';        // psd=y (a public suffix domain), n (an organizational domain), u
  bool testing = false;  // t=y: apply one level less than the policy says
  DmarcApplicability applicability = DmarcApplicability::kApply;
  std::vector<std::string> ignored_tags;  // unknown tags (RFC 9989: pct, rf and ri among them)
  std::vector<std::string> warnings;

  // sp= when given, else p= (both rule sets).
  const std::string& EffectiveSubdomainPolicy() const {
    return subdomain_policy.empty() ? policy : subdomain_policy;
  }
  // RFC 9989 4.7: np= when given, else sp=, else p=.
  const std::string& EffectiveNonexistentPolicy() const {
    return nonexistent_policy.empty() ? EffectiveSubdomainPolicy() : nonexistent_policy;
  }
};

// RFC 9989 4.7 t=y: one level milder (reject -> quarantine, quarantine -> none, none stays).
std::string_view MilderDmarcPolicy(std::string_view policy);

// True when the text starts with the v=DMARC1 tag (RFC 7489 6.6.3 step 2: other TXT records at
// _dmarc names are not DMARC records and are discarded).
bool IsDmarcRecord(std::string_view txt);

// Parses a record for which IsDmarcRecord() holds. Under RFC 7489 it fails when the record gives
// no policy to apply; under RFC 9989 such a record is still a record (it stops policy discovery and
// carries psd=), so it parses with applicability kNoProcessing, and only text that is not a DMARC
// record fails.
Result<DmarcRecord> ParseDmarcRecord(std::string_view txt, DmarcRules rules = DmarcRules::kRfc7489);

// ParseDmarcRecord remembered by record text (thread-safe, bounded): every message of a domain
// reads the same published record. The result is shared and never modified.
std::shared_ptr<const Result<DmarcRecord>> ParseDmarcRecordCached(
    std::string_view txt, DmarcRules rules = DmarcRules::kRfc7489);

// True when a rua= value holds at least one syntactically valid URI (RFC 9989 4.10.1: the condition
// for treating a record without a usable p= as p=none).
bool DmarcRuaHasValidUri(std::string_view rua);

}  // namespace mv
