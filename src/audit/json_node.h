// JsonNode: a small read-only JSON document model. The audit writers (SQLite, HTML) read the JSON
// members the checks put in each MessageRecord, so the database says exactly what the JSON Lines
// output says; this parser is only as large as that needs (RFC 8259 values, UTF-8 strings).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mv {

class JsonNode {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  static Result<JsonNode> Parse(std::string_view text);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  // Accessors return a default (false, 0, "", empty) when the value has another type, so readers
  // of optional members need no type checks of their own.
  bool AsBool() const { return type_ == Type::kBool && bool_; }
  double AsNumber() const { return type_ == Type::kNumber ? number_ : 0.0; }
  int64_t AsInt() const { return static_cast<int64_t>(AsNumber()); }
  const std::string& AsString() const;
  const std::vector<JsonNode>& items() const { return items_; }
  // The member `key` of an object, or a null value when absent.
  const JsonNode& operator[](std::string_view key) const;
  bool Has(std::string_view key) const;
  const std::vector<std::pair<std::string, JsonNode>>& members() const { return members_; }

 private:
  friend class JsonParser;
  Type type_ = Type::kNull;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<JsonNode> items_;
  std::vector<std::pair<std::string, JsonNode>> members_;
};

}  // namespace mv
