// EmlxPlist: reads the XML property list Apple Mail appends to every .emlx file (after the message)
// — only the scalar values of its top-level <dict>, which is where Mail keeps date-received,
// flags, remote-id and the like. Not a general plist parser: nested arrays and dicts are skipped,
// binary plists are refused. Hostile input (an .emlx is whatever the disk holds) is bounded: the
// scan is linear, never recursive, and refuses anything it does not understand with an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mv {

struct PlistValue {
  std::string key;
  std::string type;   // the element name: integer, real, string, date, true, false
  std::string value;  // its text, XML entities decoded; empty for true/false
};

// The scalar entries of the first top-level <dict> in `xml`, in document order.
Result<std::vector<PlistValue>> ParseEmlxPlist(std::string_view xml);

// The value of `key` as Unix seconds: an <integer> or <real> (seconds since 1970, as Mail writes
// date-received and date-sent) or a <date> (ISO 8601, "2020-02-06T13:39:55Z"). nullopt when the
// key is absent or its value is not a time.
std::optional<int64_t> PlistTime(const std::vector<PlistValue>& values, std::string_view key);

}  // namespace mv
