#include "imap/imap_response.h"

#include <array>
#include <cctype>
#include <charconv>

#include "util/civil_date.h"

namespace mv {
namespace {

// A response nests lists only a few deep (BODYSTRUCTURE is the deepest, which a scan never asks
// for); the bound keeps hostile nesting from exhausting the stack.
constexpr int kMaxDepth = 32;

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

template <class T>
std::optional<T> ParseNumber(std::string_view s) {
  T value{};
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// The size N of a line ending in "{N}" or "{N+}" (LITERAL+), or nullopt when it ends otherwise.
std::optional<uint64_t> TrailingLiteral(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  line.remove_suffix(1);
  if (!line.empty() && line.back() == '+') line.remove_suffix(1);
  const size_t open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  return ParseNumber<uint64_t>(line.substr(open + 1));
}

bool IsAtomEnd(char c) {
  return c == ' ' || c == '(' || c == ')' || c == '{' || c == '"' || c == '\r' || c == '\n';
}

// Reads values from `s` at `pos` up to the end of the line (depth 0) or the closing ')'.
class ValueParser {
 public:
  explicit ValueParser(std::string_view s) : s_(s) {}

  Status ParseList(size_t* pos, int depth, std::vector<ImapValue>* out) {
    if (depth > kMaxDepth) return Status::Error("lists nested too deep");
    for (;;) {
      while (*pos < s_.size() && s_[*pos] == ' ') ++*pos;
      if (*pos >= s_.size() || s_[*pos] == '\r' || s_[*pos] == '\n') {
        return depth == 0 ? Status::Ok() : Status::Error("unclosed '('");
      }
      const char c = s_[*pos];
      if (c == ')') {
        if (depth == 0) return Status::Error("unbalanced ')'");
        ++*pos;
        return Status::Ok();
      }
      ImapValue value;
      Status status = Status::Ok();
      if (c == '(') {
        ++*pos;
        value.kind = ImapValue::Kind::kList;
        status = ParseList(pos, depth + 1, &value.items);
      } else if (c == '"') {
        status = ParseQuoted(pos, &value);
      } else if (c == '{') {
        status = ParseLiteral(pos, &value);
      } else {
        ParseAtom(pos, &value);
      }
      if (!status.ok()) return status;
      out->push_back(std::move(value));
    }
  }

 private:
  Status ParseQuoted(size_t* pos, ImapValue* value) {
    value->kind = ImapValue::Kind::kString;
    for (size_t i = *pos + 1; i < s_.size(); ++i) {
      const char c = s_[i];
      if (c == '"') {
        *pos = i + 1;
        return Status::Ok();
      }
      if (c == '\r' || c == '\n') break;
      if (c == '\\' && i + 1 < s_.size()) ++i;
      value->text += s_[i];
    }
    return Status::Error("unterminated quoted string");
  }

  Status ParseLiteral(size_t* pos, ImapValue* value) {
    value->kind = ImapValue::Kind::kString;
    const size_t close = s_.find('}', *pos);
    if (close == std::string_view::npos) return Status::Error("unterminated literal size");
    std::string_view digits = s_.substr(*pos + 1, close - *pos - 1);
    if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
    const std::optional<uint64_t> size = ParseNumber<uint64_t>(digits);
    if (!size) return Status::Error("bad literal size");
    size_t start = close + 1;
    if (start < s_.size() && s_[start] == '\r') ++start;
    if (start >= s_.size() || s_[start] != '\n')
      return Status::Error("literal size not at line end");
    ++start;
    if (*size > s_.size() - start) return Status::Error("literal longer than the response");
    value->literal = s_.substr(start, *size);
    *pos = start + *size;
    return Status::Ok();
  }

  void ParseAtom(size_t* pos, ImapValue* value) {
    value->kind = ImapValue::Kind::kAtom;
    size_t i = *pos;
    while (i < s_.size() && !IsAtomEnd(s_[i])) {
      if (s_[i] == '[') {
        // A section ("BODY[HEADER.FIELDS (FROM)]") or response code is part of the atom.
        const size_t close = s_.find(']', i);
        const size_t eol = s_.find('\n', i);
        if (close == std::string_view::npos || close > eol) break;
        i = close + 1;
        continue;
      }
      ++i;
    }
    if (i == *pos) ++i;  // a lone '[' or ']' still makes progress
    value->text.assign(s_.substr(*pos, i - *pos));
    *pos = i;
  }

  std::string_view s_;
};

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

bool ImapResponseFramer::Next(std::string* out) {
  if (!error_.empty()) return false;
  if (start_ > 0 && (start_ == buffer_.size() || start_ >= (size_t{1} << 16))) {
    buffer_.erase(0, start_);
    scan_ -= start_;
    start_ = 0;
  }
  for (;;) {
    const size_t eol = buffer_.find('\n', scan_);
    if (eol == std::string::npos) {
      if (buffer_.size() - scan_ > max_line_) error_ = "response line longer than the limit";
      return false;
    }
    if (eol - scan_ > max_line_) {
      error_ = "response line longer than the limit";
      return false;
    }
    std::string_view line(buffer_.data() + scan_, eol - scan_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (const std::optional<uint64_t> literal = TrailingLiteral(line)) {
      if (*literal > max_literal_ || literal_total_ + *literal > 2 * max_literal_) {
        error_ = "literal of " + std::to_string(*literal) + " bytes is over the limit";
        return false;
      }
      if (buffer_.size() - (eol + 1) < *literal) return false;  // the literal is still arriving
      literal_total_ += *literal;
      scan_ = eol + 1 + *literal;
      continue;
    }
    out->assign(buffer_, start_, eol + 1 - start_);
    start_ = scan_ = eol + 1;
    literal_total_ = 0;
    return true;
  }
}

bool ImapValue::IsAtom(std::string_view name) const {
  return kind == Kind::kAtom && EqualsNoCase(text, name);
}

Result<ImapResponse> ParseImapResponse(std::string_view s) {
  ImapResponse r;
  const size_t space = s.find(' ');
  if (space == 0 || space == std::string_view::npos) {
    std::string_view tag = s.substr(0, s.find_first_of("\r\n"));
    if (tag.empty()) return Status::Error("empty response line");
    r.tag.assign(tag);
    return r;
  }
  r.tag.assign(s.substr(0, space));
  std::string_view rest = s.substr(space + 1);
  if (r.tag == "+") {
    r.status_text.assign(rest.substr(0, rest.find_first_of("\r\n")));
    return r;
  }
  const std::string_view word = rest.substr(0, rest.find_first_of(" \r\n"));
  for (std::string_view status : {"OK", "NO", "BAD", "BYE", "PREAUTH"}) {
    if (!EqualsNoCase(word, status)) continue;
    r.status.assign(status);
    std::string_view text = rest.substr(word.size());
    text = text.substr(0, text.find_first_of("\r\n"));
    if (!text.empty() && text[0] == ' ') text.remove_prefix(1);
    if (!text.empty() && text[0] == '[') {
      const size_t close = text.find(']');
      if (close == std::string_view::npos) return Status::Error("unclosed response code");
      r.code.assign(text.substr(1, close - 1));
      text.remove_prefix(close + 1);
      if (!text.empty() && text[0] == ' ') text.remove_prefix(1);
    }
    r.status_text.assign(text);
    return r;
  }
  size_t pos = space + 1;
  ValueParser parser(s);
  Status status = parser.ParseList(&pos, 0, &r.values);
  if (!status.ok()) return status;
  return r;
}

Result<std::optional<ImapFetch>> InterpretFetch(const ImapResponse& r) {
  if (r.tag != "*" || r.values.size() < 3 || !r.values[1].IsAtom("FETCH")) {
    return std::optional<ImapFetch>();
  }
  ImapFetch fetch;
  const std::optional<uint32_t> sequence = r.values[0].kind == ImapValue::Kind::kAtom
                                               ? ParseNumber<uint32_t>(r.values[0].text)
                                               : std::nullopt;
  if (!sequence || r.values[2].kind != ImapValue::Kind::kList) {
    return Status::Error("malformed FETCH response");
  }
  fetch.sequence = *sequence;
  const std::vector<ImapValue>& items = r.values[2].items;
  if (items.size() % 2 != 0) return Status::Error("FETCH item without a value");
  for (size_t i = 0; i < items.size(); i += 2) {
    const ImapValue& name = items[i];
    const ImapValue& value = items[i + 1];
    if (name.IsAtom("UID")) {
      fetch.uid = ParseNumber<uint32_t>(value.text);
      if (!fetch.uid || value.kind != ImapValue::Kind::kAtom) return Status::Error("bad UID");
    } else if (name.IsAtom("RFC822.SIZE")) {
      fetch.size = ParseNumber<uint64_t>(value.text);
      if (!fetch.size || value.kind != ImapValue::Kind::kAtom) {
        return Status::Error("bad RFC822.SIZE");
      }
    } else if (name.IsAtom("INTERNALDATE")) {
      fetch.internal_date = ParseInternalDate(value.Text());
      if (!fetch.internal_date || value.kind != ImapValue::Kind::kString) {
        return Status::Error("bad INTERNALDATE");
      }
    } else if (name.IsAtom("FLAGS")) {
      if (value.kind != ImapValue::Kind::kList) return Status::Error("bad FLAGS");
      for (const ImapValue& flag : value.items) fetch.flags.emplace_back(flag.Text());
    } else if (name.IsAtom("BODY[]")) {
      if (value.kind != ImapValue::Kind::kString) return Status::Error("BODY[] is not a string");
      fetch.body = value.Text();
    }
    // Other items (MODSEQ, X-GM-*, ...) a server adds on its own are not needed.
  }
  return std::optional<ImapFetch>(std::move(fetch));
}

std::optional<ImapListEntry> InterpretList(const ImapResponse& r) {
  if (r.tag != "*" || r.values.size() != 4 || !r.values[0].IsAtom("LIST") ||
      r.values[1].kind != ImapValue::Kind::kList || r.values[3].kind == ImapValue::Kind::kList) {
    return std::nullopt;
  }
  ImapListEntry entry;
  entry.name.assign(r.values[3].Text());
  for (const ImapValue& attribute : r.values[1].items) {
    if (attribute.IsAtom("\\Noselect") || attribute.IsAtom("\\NonExistent")) {
      entry.selectable = false;
    }
  }
  return entry;
}

std::optional<int64_t> ParseInternalDate(std::string_view s) {
  if (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  // d[d]-Mon-yyyy hh:mm:ss +zzzz
  const size_t dash = s.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash > 2) return std::nullopt;
  std::string_view tail = s.substr(dash);
  if (tail.size() != 24 || tail[0] != '-' || tail[4] != '-' || tail[9] != ' ' || tail[12] != ':' ||
      tail[15] != ':' || tail[18] != ' ' || (tail[19] != '+' && tail[19] != '-')) {
    return std::nullopt;
  }
  const auto day = ParseNumber<unsigned>(s.substr(0, dash));
  const auto year = ParseNumber<int>(tail.substr(5, 4));
  const auto hour = ParseNumber<int>(tail.substr(10, 2));
  const auto minute = ParseNumber<int>(tail.substr(13, 2));
  const auto second = ParseNumber<int>(tail.substr(16, 2));
  const auto zone_h = ParseNumber<int>(tail.substr(20, 2));
  const auto zone_m = ParseNumber<int>(tail.substr(22, 2));
  unsigned month = 0;
  for (unsigned m = 0; m < kMonths.size(); ++m) {
    if (EqualsNoCase(tail.substr(1, 3), kMonths[m])) month = m + 1;
  }
  if (!day || !year || !hour || !minute || !second || !zone_h || !zone_m || month == 0 ||
      *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60 || *zone_m > 59) {
    return std::nullopt;
  }
  const int64_t offset = (*zone_h * 60 + *zone_m) * 60 * (tail[19] == '-' ? -1 : 1);
  return DaysFromCivil(*year, month, *day) * 86400 + *hour * 3600 + *minute * 60 + *second - offset;
}

std::string QuoteImapString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace mv
