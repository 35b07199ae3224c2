// A DMARC policy record (RFC 7489 6.3/6.4, plus DMARCbis np=) parsed from the text of one TXT
// record. Parsing follows 6.6.3: a record must start with v=DMARC1; a missing or invalid p= (or an
// invalid sp=) leaves a usable record only when rua= holds a valid URI, and then means p=none; bad
// values of the other tags fall back to their defaults and are noted in `warnings`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mv {

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
  std::vector<std::string> warnings;
};

// True when the text starts with the v=DMARC1 tag (RFC 7489 6.6.3 step 2: other TXT records at
// _dmarc names are not DMARC records and are discarded).
bool IsDmarcRecord(std::string_view txt);

// Parses a record for which IsDmarcRecord() holds. Fails when the record gives no policy to apply.
Result<DmarcRecord> ParseDmarcRecord(std::string_view txt);

// ParseDmarcRecord remembered by record text (thread-safe, bounded): every message of a domain
// reads the same published record. The result is shared and never modified.
std::shared_ptr<const Result<DmarcRecord>> ParseDmarcRecordCached(std::string_view txt);

}  // namespace mv
