// Date header parsing for reports: RFC 5322 section 3.3 date-time, including the obsolete forms of
// section 4.3 (two- and three-digit years, named and military zones, comments), normalised to UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mv {

// Seconds since the Unix epoch (UTC) for a Date field value, or nothing when it is not a date-time.
// The day of the week, when present, is not checked against the date (mailers get it wrong).
std::optional<int64_t> ParseMailDate(std::string_view value);

// "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatIso8601Utc(int64_t unix_seconds);

}  // namespace mv
