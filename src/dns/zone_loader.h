// Zone-file loading: RFC 1035 master files (parsed by ldns) into a MemoryDnsSource, for
// `--dns-zone` snapshots and `--keys` files. One file may hold names of many unrelated domains
// (absolute owner names, or relative ones after $ORIGIN); $TTL and $ORIGIN are honoured, $INCLUDE
// is refused.
//
// Besides records, a file may carry outcome lines written by the recorder, which other tools read
// as comments:
//   ;@mailverify STATUS NAME TYPE TTL [DETAIL]
// STATUS is nxdomain, nodata, temperror, timeout (a temperror that was a timeout) or permerror;
// NAME is absolute (trailing dot optional), escaped like an owner name (\DDD); DETAIL is the
// error text. The question (NAME, TYPE) is
// then answered with that status whatever records the file holds, so a replay reproduces the
// recorded run.
//
// Names that own only other types (NS, SOA, ...) and empty non-terminals below a SOA in the same
// file exist (NODATA); any other name is NXDOMAIN. A SOA sets the negative TTL (min(TTL, MINIMUM))
// of the names at and below it. Wildcard owners are refused rather than answered wrongly. Names
// are kept as raw label bytes: `a\032b.example.` answers the name "a b.example" (dns_name_text.h).
#pragma once

#include <string>
#include <string_view>

#include "dns/memory_source.h"
#include "util/status.h"

namespace mv {

// Errors name the file and line: "zones/a.zone:12: ...".
Status LoadZoneFile(const std::string& path, MemoryDnsSource* out);
// The same from text in memory; `display_name` stands for the file name in errors.
// A text of at least `split_from_bytes` is read in two pieces on two threads (ldns reads about
// 25 MB/s, and a snapshot's startup is otherwise serial); the result is the same as one pass.
Status LoadZoneText(std::string_view text, std::string_view display_name, MemoryDnsSource* out,
                    size_t split_from_bytes = 64 * 1024);

}  // namespace mv
