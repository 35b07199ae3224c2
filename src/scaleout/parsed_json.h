// ParsedJson: a small reader for the JSON this module writes itself (plans and done-records). It
// inverts JsonWriter exactly: \u0080..\u00FF escapes are the raw bytes JsonWriter could not write
// as UTF-8, so any path survives a round trip. Numbers are integers only (the plan holds no
// others).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mv {

class ParsedJson {
 public:
  enum class Kind { kNull, kBool, kInt, kString, kArray, kObject };

  static Result<ParsedJson> Parse(std::string_view text);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool boolean() const { return int_ != 0; }
  int64_t integer() const { return int_; }
  const std::string& string() const { return string_; }
  const std::vector<ParsedJson>& array() const { return array_; }
  // A member of an object, or nullptr when absent (or when this is not an object).
  const ParsedJson* Find(std::string_view key) const;

 private:
  friend class ParsedJsonReader;
  Kind kind_ = Kind::kNull;
  int64_t int_ = 0;
  std::string string_;
  std::vector<ParsedJson> array_;
  std::map<std::string, ParsedJson, std::less<>> object_;
};

}  // namespace mv
