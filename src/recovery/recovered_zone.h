// The recovered keys as a master file in the syntax `--keys` (and `--dns-zone`) read: one TXT
// record per key at selector._domainkey.domain, long values split into 255-byte strings, each
// preceded by comment lines naming the messages it was computed from and what it verifies.
#pragma once

#include <string>

#include "recovery/key_recovery.h"

namespace mv {

// Unconfirmed keys are written too, with a comment saying so: two distinct signatures verifying
// under one modulus of the right size cannot happen by chance, but nothing else vouches for it.
std::string FormatRecoveredZone(const KeyRecoveryReport& report);

// One line per key name for stderr: name, why it was a candidate, outcome.
std::string FormatRecoverySummary(const KeyRecoveryReport& report);

}  // namespace mv
