#include "dns/key_archive.h"

#include <charconv>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "util/json_value.h"

namespace mv {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    const char c = s[s.size() - suffix.size() + i];
    if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != suffix[i]) return false;
  }
  return true;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int x = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    x = x * 10 + (s[i] - '0');
  }
  *out = x;
  return true;
}

// One archive entry, whatever the file format.
struct Entry {
  std::string domain, selector, first, last, value;
};

Status AddEntry(const Entry& e, const std::shared_ptr<const std::string>& archive,
                const std::string& where, MemoryDnsSource* out) {
  if (e.domain.empty() || e.selector.empty() || e.value.empty()) {
    return Status::Error(where + ": domain, selector and value are required");
  }
  auto window = std::make_shared<KeyArchiveWindow>();
  window->archive = *archive;
  const std::optional<int64_t> first = ParseArchiveTime(e.first);
  const std::optional<int64_t> last = ParseArchiveTime(e.last);
  if (!first || !last) {
    return Status::Error(where + ": firstSeenAt and lastSeenAt must be ISO 8601 or Unix seconds");
  }
  window->first_seen = *first;
  window->last_seen = *last;
  DnsRecord record;
  record.type = DnsType::kTxt;
  record.ttl = 3600;
  // TXT character strings hold at most 255 bytes (RFC 1035 3.3.14); DKIM joins them again.
  for (size_t at = 0; at < e.value.size(); at += 255) record.txt.push_back(e.value.substr(at, 255));
  record.comment = "key archive " + *archive + ": seen " + e.first + " to " + e.last;
  record.window = std::move(window);
  out->Add(e.selector + "._domainkey." + e.domain, std::move(record));
  return Status::Ok();
}

// RFC 4180 fields of one record starting at `*at`; `*at` moves past the record's line break.
std::vector<std::string> CsvRecord(std::string_view text, size_t* at) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  while (*at < text.size()) {
    const char c = text[(*at)++];
    if (quoted) {
      if (c == '"' && *at < text.size() && text[*at] == '"') {
        fields.back().push_back('"');
        ++*at;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      fields.back().push_back(c);
    }
  }
  return fields;
}

}  // namespace

bool IsKeyArchivePath(std::string_view path) {
  return EndsWith(path, ".json") || EndsWith(path, ".csv");
}

std::optional<int64_t> ParseArchiveTime(std::string_view v) {
  if (!v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t t = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), t);
    if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
    return t;
  }
  std::tm tm{};
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!Digits(v, 0, 4, &year) || v.size() < 10 || v[4] != '-' || !Digits(v, 5, 2, &month) ||
      v[7] != '-' || !Digits(v, 8, 2, &day) || month < 1 || month > 12 || day < 1 || day > 31) {
    return std::nullopt;
  }
  size_t p = 10;
  int64_t offset = 0;
  if (p < v.size() && (v[p] == 'T' || v[p] == ' ')) {
    if (!Digits(v, p + 1, 2, &hour) || v.size() < p + 6 || v[p + 3] != ':' ||
        !Digits(v, p + 4, 2, &minute) || hour > 23 || minute > 59) {
      return std::nullopt;
    }
    p += 6;
    if (p < v.size() && v[p] == ':') {
      if (!Digits(v, p + 1, 2, &second) || second > 60) return std::nullopt;
      p += 3;
    }
    if (p < v.size() && v[p] == '.') {
      ++p;
      while (p < v.size() && v[p] >= '0' && v[p] <= '9') ++p;
    }
    int oh = 0, om = 0;
    if (p < v.size() && v[p] == 'Z') {
      ++p;
    } else if (p < v.size() && (v[p] == '+' || v[p] == '-') && Digits(v, p + 1, 2, &oh) &&
               v.size() >= p + 6 && v[p + 3] == ':' && Digits(v, p + 4, 2, &om)) {
      offset = (v[p] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
      p += 6;
    }
  }
  if (p != v.size()) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

std::string FormatArchiveTime(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

Status LoadKeyArchive(const std::string& path, MemoryDnsSource* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return LoadKeyArchiveText(text.str(), path, EndsWith(path, ".csv"), out);
}

Status LoadKeyArchiveText(std::string_view text, std::string_view display_name, bool csv,
                          MemoryDnsSource* out) {
  const std::string name(display_name);
  const auto archive =
      std::make_shared<const std::string>(std::filesystem::path(name).filename().string());
  if (!csv) {
    Result<JsonValue> doc = JsonValue::Parse(text);
    if (!doc.ok()) return Status::Error(name + ": " + doc.error());
    if (!doc->is_array()) return Status::Error(name + ": expected a JSON array of keys");
    size_t index = 0;
    for (const JsonValue& item : doc->items()) {
      const auto field = [&item](std::string_view key) {
        const JsonValue& v = item[key];
        return v.is_string() ? v.AsString() : v.is_integer() ? std::to_string(v.AsInt()) : "";
      };
      Entry e{field("domain"), field("selector"), field("firstSeenAt"), field("lastSeenAt"),
              field("value")};
      Status st = AddEntry(e, archive, name + ": entry " + std::to_string(index++), out);
      if (!st.ok()) return st;
    }
    return Status::Ok();
  }
  size_t at = 0;
  const std::vector<std::string> header = CsvRecord(text, &at);
  int columns[5] = {-1, -1, -1, -1, -1};
  static constexpr std::string_view kNames[5] = {"domain", "selector", "firstSeenAt", "lastSeenAt",
                                                 "value"};
  for (size_t i = 0; i < header.size(); ++i) {
    for (size_t k = 0; k < 5; ++k) {
      if (header[i] == kNames[k]) columns[k] = static_cast<int>(i);
    }
  }
  for (int c : columns) {
    if (c < 0) {
      return Status::Error(name +
                           ":1: the header must name domain, selector, firstSeenAt, lastSeenAt "
                           "and value");
    }
  }
  for (size_t line = 2; at < text.size(); ++line) {
    const std::vector<std::string> fields = CsvRecord(text, &at);
    if (fields.size() == 1 && fields[0].empty()) continue;
    const auto get = [&](int k) {
      const size_t c = static_cast<size_t>(columns[k]);
      return c < fields.size() ? fields[c] : std::string();
    };
    Entry e{get(0), get(1), get(2), get(3), get(4)};
    Status st = AddEntry(e, archive, name + ":" + std::to_string(line), out);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace mv
