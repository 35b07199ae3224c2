// The evidence-bag commands (docs/EVIDENCE.md): `keygen` makes an Ed25519 signing key pair;
// `bundle timestamp-request`, `bundle add-timestamp` and `bundle verify` work on a bag made by
// `scan --bundle`.
#pragma once

#include "cli/options.h"

namespace mv {

int RunKeygen(const Options& options);
int RunBundle(const Options& options);

}  // namespace mv
