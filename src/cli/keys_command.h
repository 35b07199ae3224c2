// The key-trust side of the command line: setting up KeyTrust for a scan (the shipped list of
// published private keys, --compromised-keys, --known-moduli, and every key record of the --keys
// and --dns-zone files, over which batch GCD runs before the scan), the end-of-run shared-prime
// report, and the `keys` command: `keys export` (a scan whose output is the keys it used, as a key
// archive JSON) and `keys audit` (one JSON line per key of the given files with its verdict).
#pragma once

#include <string>
#include <vector>

#include "cli/options.h"
#include "dns/memory_source.h"
#include "keytrust/key_trust.h"
#include "util/status.h"

namespace mv {

// Loads the lists and the known moduli, adds every DKIM key record of `sources`, runs batch GCD.
Status SetUpKeyTrust(const Options& options, const std::vector<const MemoryDnsSource*>& sources,
                     KeyTrust* trust);

// The run summary's lines on keys met that share a prime (batch GCD over every modulus met).
std::string FormatLateFindings(const KeyTrust& trust);

int RunKeys(const Options& options);

}  // namespace mv
