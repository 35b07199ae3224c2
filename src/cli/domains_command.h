// The `domains` command: the authentication posture of sender domains (MX, SPF walked with its
// lookup count, DMARC, DKIM selectors seen with their keys' state today), for the domains of a
// --db database or the domains named, through the same DNS options as scan.
#pragma once

#include "cli/options.h"

namespace mv {

// Returns the exit status: 0 done, 1 the database could not be read or output written, 2 bad DNS
// options.
int RunDomains(const Options& options);

}  // namespace mv
