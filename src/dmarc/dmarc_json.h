// Writes a DmarcResult as the `dmarc` object of a message's JSON record.
#pragma once

#include "dmarc/dmarc_evaluator.h"
#include "util/json_writer.h"

namespace mv {

// Writes one JSON object: result, domain, org_domain, policy_domain, policy, subdomain_policy,
// nonexistent_policy, applied (tag and policy), disposition, pct, sampled, alignment modes,
// dkim_aligned (+ the aligned d=), spf_aligned, record, warnings and reason. Members that do not
// apply (no record found) are left out rather than written empty.
void WriteDmarcJson(const DmarcResult& result, JsonWriter* out);

}  // namespace mv
