#include "util/json_value.h"

#include <charconv>
#include <cstdlib>

#include "util/utf8.h"

namespace mv {

class JsonValueParser {
 public:
  explicit JsonValueParser(std::string_view text) : text_(text) {}

  Result<JsonValue> ParseDocument() {
    JsonValue value;
    if (Status s = ParseValue(&value, 0); !s.ok()) return s;
    SkipSpace();
    if (pos_ != text_.size()) return Fail("trailing characters");
    return value;
  }

 private:
  // Records are nested a few levels deep; a hard bound keeps hostile input off the stack.
  static constexpr int kMaxDepth = 64;

  Status Fail(std::string_view what) const {
    return Status::Error("JSON: " + std::string(what) + " at offset " + std::to_string(pos_));
  }

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Status ParseValue(JsonValue* out, int depth) {
    if (depth > kMaxDepth) return Fail("nesting too deep");
    SkipSpace();
    if (pos_ >= text_.size()) return Fail("unexpected end");
    const char c = text_[pos_];
    if (c == '{') return ParseObject(out, depth);
    if (c == '[') return ParseArray(out, depth);
    if (c == '"') {
      out->type_ = JsonValue::Type::kString;
      return ParseString(&out->string_);
    }
    if (Literal("null")) return Status::Ok();
    if (Literal("true") || Literal("false")) {
      out->type_ = JsonValue::Type::kBool;
      out->bool_ = text_[pos_ - 1] == 'e' && text_[pos_ - 2] == 'u';
      return Status::Ok();
    }
    return ParseNumber(out);
  }

  Status ParseNumber(JsonValue* out) {
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           std::string_view("+-0123456789.eE").find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
    if (pos_ == start) return Fail("unexpected character");
    const std::string digits(text_.substr(start, pos_ - start));
    char* end = nullptr;
    out->number_ = std::strtod(digits.c_str(), &end);
    if (end != digits.c_str() + digits.size()) return Fail("bad number");
    out->type_ = JsonValue::Type::kNumber;
    auto [int_end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), out->integer_);
    out->integral_ = ec == std::errc() && int_end == digits.data() + digits.size();
    return Status::Ok();
  }

  bool Hex4(uint32_t* out) {
    if (pos_ + 4 > text_.size()) return false;
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, v, 16);
    if (ec != std::errc() || end != text_.data() + pos_ + 4) return false;
    pos_ += 4;
    *out = v;
    return true;
  }

  Status ParseString(std::string* out) {
    ++pos_;  // the opening quote
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return Status::Ok();
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) break;
      const char e = text_[pos_++];
      switch (e) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(&cp)) return Fail("bad \\u escape");
          // JsonWriter's byte escape: a control character or a byte that was not UTF-8.
          if (cp < 0x100) {
            out->push_back(static_cast<char>(cp));
            break;
          }
          // A surrogate pair stands for one code point; a lone surrogate becomes U+FFFD.
          if (cp >= 0xD800 && cp <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            uint32_t low = 0;
            if (!Hex4(&low)) return Fail("bad \\u escape");
            cp = (low >= 0xDC00 && low <= 0xDFFF) ? 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)
                                                  : 0xFFFD;
          } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return Fail("bad escape");
      }
    }
    return Fail("unterminated string");
  }

  Status ParseArray(JsonValue* out, int depth) {
    out->type_ = JsonValue::Type::kArray;
    ++pos_;
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return Status::Ok();
    }
    while (true) {
      JsonValue item;
      if (Status s = ParseValue(&item, depth + 1); !s.ok()) return s;
      out->items_.push_back(std::move(item));
      SkipSpace();
      if (pos_ >= text_.size()) return Fail("unterminated array");
      if (text_[pos_] == ']') {
        ++pos_;
        return Status::Ok();
      }
      if (text_[pos_++] != ',') return Fail("expected , or ]");
    }
  }

  Status ParseObject(JsonValue* out, int depth) {
    out->type_ = JsonValue::Type::kObject;
    ++pos_;
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return Status::Ok();
    }
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Fail("expected a member name");
      std::string key;
      if (Status s = ParseString(&key); !s.ok()) return s;
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_++] != ':') return Fail("expected :");
      JsonValue value;
      if (Status s = ParseValue(&value, depth + 1); !s.ok()) return s;
      out->members_.emplace_back(std::move(key), std::move(value));
      SkipSpace();
      if (pos_ >= text_.size()) return Fail("unterminated object");
      if (text_[pos_] == '}') {
        ++pos_;
        return Status::Ok();
      }
      if (text_[pos_++] != ',') return Fail("expected , or }");
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

Result<JsonValue> JsonValue::Parse(std::string_view text) {
  return JsonValueParser(text).ParseDocument();
}

const std::string& JsonValue::AsString() const {
  static const std::string kEmpty;
  return type_ == Type::kString ? string_ : kEmpty;
}

const JsonValue& JsonValue::operator[](std::string_view key) const {
  static const JsonValue kNull;
  const JsonValue* value = Find(key);
  return value ? *value : kNull;
}

bool JsonValue::Has(std::string_view key) const {
  return Find(key) != nullptr;
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const auto& [name, value] : members_) {
    if (name == key) return &value;
  }
  return nullptr;
}

int64_t JsonValue::AsInt() const {
  if (type_ != Type::kNumber) return 0;
  return integral_ ? integer_ : static_cast<int64_t>(number_);
}

void WriteJsonValue(const JsonValue& value, JsonWriter* out) {
  switch (value.type()) {
    case JsonValue::Type::kNull:
      out->Null();
      return;
    case JsonValue::Type::kBool:
      out->Bool(value.AsBool());
      return;
    case JsonValue::Type::kNumber:
      if (value.is_integer()) {
        out->Int(value.AsInt());
      } else {
        out->Double(value.AsNumber());
      }
      return;
    case JsonValue::Type::kString:
      out->String(value.AsString());
      return;
    case JsonValue::Type::kArray:
      out->BeginArray();
      for (const JsonValue& item : value.items()) WriteJsonValue(item, out);
      out->EndArray();
      return;
    case JsonValue::Type::kObject:
      out->BeginObject();
      for (const auto& [key, member] : value.members()) {
        out->Key(key);
        WriteJsonValue(member, out);
      }
      out->EndObject();
      return;
  }
}

}  // namespace mv
