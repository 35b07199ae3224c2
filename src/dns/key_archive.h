// Public DKIM key archives as `--keys` files: besides zone files, `--keys` reads the JSON that key
// archives publish (the zk-email archive's API format),
//   [{"domain": "example.com", "selector": "s1", "firstSeenAt": "2019-01-01T00:00:00.000Z",
//     "lastSeenAt": "2021-12-31T00:00:00.000Z", "value": "v=DKIM1; k=rsa; p=..."}]
// and the same columns as CSV with a header line (RFC 4180 quoting). Each key becomes a TXT record
// at selector._domainkey.domain that keeps its KeyArchiveWindow, so a DKIM result can say whether
// the signature was made while the archive saw the key published. Times are ISO 8601 (UTC unless
// an offset is given) or Unix seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dns/memory_source.h"
#include "util/status.h"

namespace mv {

// True when `path` names a JSON or CSV archive (by its .json or .csv ending) rather than a zone.
bool IsKeyArchivePath(std::string_view path);

// Adds the archive's keys to `out`; errors name the file and the entry (or line).
Status LoadKeyArchive(const std::string& path, MemoryDnsSource* out);
Status LoadKeyArchiveText(std::string_view text, std::string_view display_name, bool csv,
                          MemoryDnsSource* out);

// "2020-06-01T12:00:00.000Z" (fractions dropped) or Unix seconds; nullopt when neither.
std::optional<int64_t> ParseArchiveTime(std::string_view text);
// The archive form of a time: "2020-06-01T12:00:00.000Z".
std::string FormatArchiveTime(int64_t unix_seconds);

}  // namespace mv
