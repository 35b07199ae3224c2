// Writes a DmarcResult as the `dmarc` object of a message's JSON record.
#pragma once

#include "dmarc/dmarc_evaluator.h"
#include "util/json_writer.h"

namespace mv {

// Writes one JSON object: result, rules (rfc9989 | rfc7489), discovery_method (treewalk | psl),
// from_count, domain, org_domain, policy_domain, policy (what applies after p/sp/np and t=),
// testing (t=y), p, subdomain_policy, nonexistent_policy, applied (tag and policy before t=),
// disposition, psd (RFC 9989) or pct and sampled (RFC 7489), alignment modes, dkim_aligned (+ the
// aligned d=), spf_aligned, rua, ruf, fo, rf and ri (RFC 7489), record, warnings,
// identifier_org_domains (RFC 9989) and reason. Members that do not
// apply (no record found) are left out rather than written empty.
void WriteDmarcJson(const DmarcResult& result, JsonWriter* out);

}  // namespace mv
