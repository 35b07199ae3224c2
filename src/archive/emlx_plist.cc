#include "archive/emlx_plist.h"

#include <charconv>
#include <cmath>

#include "util/civil_date.h"

namespace mv {
namespace {

constexpr std::string_view kSpace = " \t\r\n";

// A cursor over the XML text; every step either advances or fails, so the scan is linear.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : rest_(text) {}

  void SkipSpace() {
    const size_t n = rest_.find_first_not_of(kSpace);
    rest_.remove_prefix(n == std::string_view::npos ? rest_.size() : n);
  }

  // Reads the next tag "<...>" (after optional white space); false at the end or on text where a
  // tag should be. Comments and processing instructions are skipped.
  bool NextTag(std::string_view* tag) {
    for (;;) {
      SkipSpace();
      if (rest_.empty() || rest_.front() != '<') return false;
      if (rest_.starts_with("<!--")) {
        const size_t end = rest_.find("-->", 4);
        if (end == std::string_view::npos) return false;
        rest_.remove_prefix(end + 3);
        continue;
      }
      const size_t end = rest_.find('>');
      if (end == std::string_view::npos) return false;
      *tag = rest_.substr(1, end - 1);
      rest_.remove_prefix(end + 1);
      if (tag->starts_with('?') || tag->starts_with('!')) continue;
      return true;
    }
  }

  // The text up to the closing tag `</name>`, which is consumed.
  bool TextUntilClose(std::string_view name, std::string_view* text) {
    const std::string close = "</" + std::string(name) + ">";
    const size_t end = rest_.find(close);
    if (end == std::string_view::npos) return false;
    *text = rest_.substr(0, end);
    rest_.remove_prefix(end + close.size());
    return true;
  }

  // Skips a nested <array> or <dict> whose opening tag was just read: tags are counted until the
  // depth returns to zero. Scalar elements inside are skipped as an open and a close tag.
  bool SkipNested() {
    size_t depth = 1;
    while (depth > 0) {
      const size_t lt = rest_.find('<');
      if (lt == std::string_view::npos) return false;
      rest_.remove_prefix(lt);
      std::string_view tag;
      if (!NextTag(&tag)) return false;
      if (tag.ends_with('/')) continue;
      if (tag.starts_with('/')) {
        --depth;
      } else {
        ++depth;
      }
    }
    return true;
  }

 private:
  std::string_view rest_;
};

std::string_view ElementName(std::string_view tag) {
  const size_t end = tag.find_first_of(" \t\r\n/");
  return tag.substr(0, end);
}

std::string DecodeEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    const size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 8) {
      out.push_back('&');
      continue;
    }
    const std::string_view entity = text.substr(i + 1, semi - i - 1);
    char c = 0;
    if (entity == "amp") c = '&';
    if (entity == "lt") c = '<';
    if (entity == "gt") c = '>';
    if (entity == "quot") c = '"';
    if (entity == "apos") c = '\'';
    if (c == 0) {
      out.push_back('&');  // numeric or unknown entities are kept as written
      continue;
    }
    out.push_back(c);
    i = semi;
  }
  return out;
}

bool ParseFixed(std::string_view s, size_t pos, size_t len, int* out) {
  if (pos + len > s.size()) return false;
  const char* first = s.data() + pos;
  auto [ptr, ec] = std::from_chars(first, first + len, *out);
  return ec == std::errc() && ptr == first + len;
}

// "YYYY-MM-DDTHH:MM:SSZ", the only form XML plists use for <date>.
std::optional<int64_t> ParseIsoDate(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z') {
    return std::nullopt;
  }
  if (!ParseFixed(s, 0, 4, &y) || !ParseFixed(s, 5, 2, &mo) || !ParseFixed(s, 8, 2, &d) ||
      !ParseFixed(s, 11, 2, &h) || !ParseFixed(s, 14, 2, &mi) || !ParseFixed(s, 17, 2, &se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + se;
}

}  // namespace

Result<std::vector<PlistValue>> ParseEmlxPlist(std::string_view xml) {
  if (xml.starts_with("bplist")) return Status::Error("binary property list (not supported)");
  Scanner scan(xml);
  std::string_view tag;
  // Up to the top-level <dict>: the XML declaration, DOCTYPE and <plist ...> come first.
  for (;;) {
    if (!scan.NextTag(&tag)) return Status::Error("no <dict> in the property list");
    if (ElementName(tag) == "dict" && !tag.ends_with('/')) break;
    if (ElementName(tag) != "plist") return Status::Error("not an XML property list");
  }
  std::vector<PlistValue> values;
  std::string key;
  bool have_key = false;
  for (;;) {
    if (!scan.NextTag(&tag)) return Status::Error("property list ends inside its <dict>");
    const std::string_view name = ElementName(tag);
    if (tag == "/dict") return values;
    if (name == "key") {
      std::string_view text;
      if (!scan.TextUntilClose("key", &text)) return Status::Error("unterminated <key>");
      key = DecodeEntities(text);
      have_key = true;
      continue;
    }
    if (!have_key) return Status::Error("a <" + std::string(name) + "> without its <key>");
    have_key = false;
    if (tag.ends_with('/')) {  // <true/>, <false/>, an empty <string/>
      values.push_back({std::move(key), std::string(name), {}});
    } else if (name == "array" || name == "dict") {
      if (!scan.SkipNested()) return Status::Error("unterminated <" + std::string(name) + ">");
    } else if (name == "integer" || name == "real" || name == "string" || name == "date" ||
               name == "data") {
      std::string_view text;
      if (!scan.TextUntilClose(name, &text)) {
        return Status::Error("unterminated <" + std::string(name) + ">");
      }
      values.push_back({std::move(key), std::string(name), DecodeEntities(text)});
    } else {
      return Status::Error("unexpected <" + std::string(name) + "> in the property list");
    }
    key.clear();
  }
}

std::optional<int64_t> PlistTime(const std::vector<PlistValue>& values, std::string_view key) {
  for (const PlistValue& v : values) {
    if (v.key != key) continue;
    std::string_view text = v.value;
    const size_t first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return std::nullopt;
    text = text.substr(first, text.find_last_not_of(kSpace) - first + 1);
    if (v.type == "date") return ParseIsoDate(text);
    if (v.type == "integer") {
      int64_t t = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), t);
      if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
      return t;
    }
    if (v.type == "real") {
      double t = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), t);
      // Within +-2^53 (exactly representable) so the conversion to int64_t is defined.
      if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(t) ||
          std::fabs(t) > 9007199254740992.0) {
        return std::nullopt;
      }
      return static_cast<int64_t>(std::floor(t));
    }
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace mv
