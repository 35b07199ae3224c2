// BodyUnavailable: the DKIM verdict for a message whose store did not keep the body whole (a
// .partial.emlx whose detached part is missing, an .emlx cut short). A body hash that does not
// match such a body says nothing about the message as delivered, so it is reported as RFC 8601
// neutral ("could not be processed") with reason body-unavailable instead of fail.
#pragma once

#include <vector>

#include "dkim/dkim_verifier.h"

namespace mv {

// Turns every body-hash-mismatch fail in `results` into neutral / body-unavailable; results
// whose body hash matched (the body the store kept was enough) are left as they are.
void MarkBodyUnavailable(std::vector<DkimResult>* results);

}  // namespace mv
