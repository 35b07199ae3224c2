// JsonValue: a small read-only JSON document model, the reader that goes with JsonWriter. The
// audit writers (SQLite, HTML) read back the JSON members the checks put in each record, so the
// database says exactly what the JSON Lines output says, and the scale-out plan and done-records
// are read with it.
//
// It inverts JsonWriter exactly: JsonWriter writes a byte that is not part of valid UTF-8 as
// \u00XX, so every \u0000..\u00FF escape reads back as that one raw byte (valid UTF-8 is never
// escaped that way by JsonWriter). Integers keep all 64 bits (file sizes, nanosecond times).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/json_writer.h"
#include "util/status.h"

namespace mv {

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  static Result<JsonValue> Parse(std::string_view text);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  // Accessors return a default (false, 0, "", empty) when the value has another type, so readers
  // of optional members need no type checks of their own.
  bool AsBool() const { return type_ == Type::kBool && bool_; }
  double AsNumber() const { return type_ == Type::kNumber ? number_ : 0.0; }
  // Exact for integers written without a fraction or exponent; truncated otherwise.
  int64_t AsInt() const;
  bool is_integer() const { return type_ == Type::kNumber && integral_; }
  const std::string& AsString() const;
  const std::vector<JsonValue>& items() const { return items_; }
  // The member `key` of an object, or a null value when absent.
  const JsonValue& operator[](std::string_view key) const;
  bool Has(std::string_view key) const;
  // The member `key`, or nullptr when absent (or when this is not an object).
  const JsonValue* Find(std::string_view key) const;
  const std::vector<std::pair<std::string, JsonValue>>& members() const { return members_; }

 private:
  friend class JsonValueParser;
  Type type_ = Type::kNull;
  bool bool_ = false;
  double number_ = 0;
  int64_t integer_ = 0;
  bool integral_ = false;
  std::string string_;
  std::vector<JsonValue> items_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

// Writes `value` back as JSON. For a document JsonWriter wrote, the bytes come out the same (the
// reader inverts the writer's escapes; integers stay integers; other numbers use the writer's
// shortest round-trip form).
void WriteJsonValue(const JsonValue& value, JsonWriter* out);

}  // namespace mv
