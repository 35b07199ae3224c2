// DMARC evaluation by RFC 9989 (DMARCbis): the Author Domain from the From field(s), policy
// discovery by the DNS Tree Walk (4.10.1), relaxed alignment through one walk per authenticated
// identifier (4.4, 4.10.2), the p/sp/np choice with the RFC 8020 existence check, and t=y.
// DmarcEvaluator::Evaluate calls it for input whose rules are kRfc9989.
#pragma once

#include "dmarc/dmarc_evaluator.h"
#include "dns/resolver.h"

namespace mv {

DmarcResult EvaluateDmarcbis(DnsResolver* resolver, const DmarcInput& input);

// RFC 9989 5.3.1: the one Author Domain of the message. Several From fields are accepted when
// every one of them names the same domain (there is still exactly one Author Domain); `index` is
// set to the field that was judged (the first). Fails when there is no From field, a field does
// not hold exactly one mailbox with a domain name, or the fields name different domains.
Result<std::string> ExtractAuthorDomain(const std::vector<std::string_view>& from_values,
                                        size_t* index);

}  // namespace mv
