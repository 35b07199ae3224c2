// The reason text of a DMARC fail ("no aligned pass (...)"): what DKIM and SPF gave and in which
// alignment mode, so a reader sees why neither counted. One builder for the RFC 7489 and the
// RFC 9989 evaluation, which differ only in the HELO remark.
#pragma once

#include <string>

#include "dmarc/dmarc_evaluator.h"
#include "dmarc/dmarc_record.h"

namespace mv {

// `helo_never_aligns`: RFC 9989 4.4.2 never aligns the HELO identity, so its evaluation says so
// when the SPF result is for HELO; RFC 7489 aligns whatever domain SPF checked and adds nothing.
std::string NoAlignedPassReason(const DmarcRecord& record, const DmarcInput& input,
                                bool helo_never_aligns);

}  // namespace mv
