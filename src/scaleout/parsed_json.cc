#include "scaleout/parsed_json.h"

#include <charconv>

namespace mv {

class ParsedJsonReader {
 public:
  explicit ParsedJsonReader(std::string_view text) : text_(text) {}

  Result<ParsedJson> ParseDocument() {
    ParsedJson value;
    if (Status s = ParseValue(&value, 0); !s.ok()) return s;
    SkipSpace();
    if (pos_ != text_.size()) return Error("trailing characters");
    return value;
  }

 private:
  static constexpr int kMaxDepth = 64;

  Status Error(const std::string& what) const {
    return Status::Error("invalid JSON at byte " + std::to_string(pos_) + ": " + what);
  }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t'))
      ++pos_;
  }
  bool Consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Status ParseValue(ParsedJson* out, int depth) {
    if (depth > kMaxDepth) return Error("nested too deeply");
    SkipSpace();
    if (pos_ >= text_.size()) return Error("unexpected end");
    const char c = text_[pos_];
    if (c == '{') return ParseObject(out, depth);
    if (c == '[') return ParseArray(out, depth);
    if (c == '"') {
      out->kind_ = ParsedJson::Kind::kString;
      return ParseString(&out->string_);
    }
    if (Consume("null")) return Status::Ok();
    if (Consume("true")) {
      out->kind_ = ParsedJson::Kind::kBool;
      out->int_ = 1;
      return Status::Ok();
    }
    if (Consume("false")) {
      out->kind_ = ParsedJson::Kind::kBool;
      return Status::Ok();
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      out->kind_ = ParsedJson::Kind::kInt;
      const char* begin = text_.data() + pos_;
      auto [end, ec] = std::from_chars(begin, text_.data() + text_.size(), out->int_);
      if (ec != std::errc()) return Error("bad integer");
      pos_ += static_cast<size_t>(end - begin);
      if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E'))
        return Error("only integers are expected");
      return Status::Ok();
    }
    return Error("unexpected character");
  }

  Status ParseArray(ParsedJson* out, int depth) {
    out->kind_ = ParsedJson::Kind::kArray;
    ++pos_;
    SkipSpace();
    if (Consume("]")) return Status::Ok();
    while (true) {
      out->array_.emplace_back();
      if (Status s = ParseValue(&out->array_.back(), depth + 1); !s.ok()) return s;
      SkipSpace();
      if (Consume("]")) return Status::Ok();
      if (!Consume(",")) return Error("expected , or ]");
    }
  }

  Status ParseObject(ParsedJson* out, int depth) {
    out->kind_ = ParsedJson::Kind::kObject;
    ++pos_;
    SkipSpace();
    if (Consume("}")) return Status::Ok();
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Error("expected a key");
      std::string key;
      if (Status s = ParseString(&key); !s.ok()) return s;
      SkipSpace();
      if (!Consume(":")) return Error("expected :");
      ParsedJson value;
      if (Status s = ParseValue(&value, depth + 1); !s.ok()) return s;
      out->object_.insert_or_assign(std::move(key), std::move(value));
      SkipSpace();
      if (Consume("}")) return Status::Ok();
      if (!Consume(",")) return Error("expected , or }");
    }
  }

  bool Hex4(uint32_t* out) {
    if (pos_ + 4 > text_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_ + i];
      v <<= 4;
      if (h >= '0' && h <= '9')
        v |= static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        v |= static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        v |= static_cast<uint32_t>(h - 'A' + 10);
      else
        return false;
    }
    pos_ += 4;
    *out = v;
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Status ParseString(std::string* out) {
    ++pos_;  // opening quote
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
          if (!Hex4(&cp)) return Error("bad \\u escape");
          if (cp < 0x100) {
            // JsonWriter's byte escape: control characters and bytes that were not UTF-8.
            out->push_back(static_cast<char>(cp));
          } else if (cp >= 0xD800 && cp < 0xDC00) {
            uint32_t low = 0;
            if (!Consume("\\u") || !Hex4(&low) || low < 0xDC00 || low >= 0xE000)
              return Error("unpaired surrogate");
            AppendUtf8(0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00), out);
          } else {
            AppendUtf8(cp, out);
          }
          break;
        }
        default:
          return Error("bad escape");
      }
    }
    return Error("unterminated string");
  }

  std::string_view text_;
  size_t pos_ = 0;
};

Result<ParsedJson> ParsedJson::Parse(std::string_view text) {
  return ParsedJsonReader(text).ParseDocument();
}

const ParsedJson* ParsedJson::Find(std::string_view key) const {
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &it->second;
}

}  // namespace mv
