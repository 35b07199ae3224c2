// JsonValue: a small reader for the JSON this module writes itself (plans and done-records). It
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

class JsonValue {
 public:
  enum class Kind { kNull, kBool, kInt, kString, kArray, kObject };

  static Result<JsonValue> Parse(std::string_view text);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool boolean() const { return int_ != 0; }
  int64_t integer() const { return int_; }
  const std::string& string() const { return string_; }
  const std::vector<JsonValue>& array() const { return array_; }
  // A member of an object, or nullptr when absent (or when this is not an object).
  const JsonValue* Find(std::string_view key) const;

 private:
  friend class JsonParser;
  Kind kind_ = Kind::kNull;
  int64_t int_ = 0;
  std::string string_;
  std::vector<JsonValue> array_;
  std::map<std::string, JsonValue, std::less<>> object_;
};

}  // namespace mv
