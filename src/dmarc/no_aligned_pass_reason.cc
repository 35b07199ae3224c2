#include "dmarc/no_aligned_pass_reason.h"

namespace mv {

std::string NoAlignedPassReason(const DmarcRecord& record, const DmarcInput& input,
                                bool helo_never_aligns) {
  std::string dkim_seen;
  for (const DkimIdentity& id : input.dkim) {
    if (!dkim_seen.empty()) dkim_seen += ", ";
    dkim_seen += "d=" + id.domain + (id.pass ? " pass" : " not pass");
  }
  const SpfIdentity& spf = input.spf;
  return "no aligned pass (" + std::string(record.strict_dkim ? "strict" : "relaxed") +
         " DKIM: " + (dkim_seen.empty() ? std::string("no signature") : dkim_seen) + "; " +
         (record.strict_spf ? "strict" : "relaxed") +
         " SPF: " + (spf.result.empty() ? std::string("no result") : spf.result) +
         (spf.domain.empty() ? "" : " for " + spf.domain) +
         (helo_never_aligns && spf.helo ? " (HELO, not aligned)" : "") + ")";
}

}  // namespace mv
