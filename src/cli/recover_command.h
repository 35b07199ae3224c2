// The `recover-keys` command: rebuilds rotated-out RSA DKIM keys from the archive's own signatures
// (src/recovery) and writes them as a master file for `scan --keys`.
#pragma once

#include "cli/options.h"

namespace mv {

// Returns the exit status: 0 when the archive was read and the zone written (whether or not keys
// were found), 1 when an input could not be read or the output not written, 2 on a usage error.
int RunRecoverKeys(const Options& options);

}  // namespace mv
