#include "report/mail_date.h"

#include "util/civil_date.h"

namespace mv {
namespace {

char LowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool IsLeapYear(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// A cursor over the value that skips CFWS (blanks, folding, nested comments) between tokens.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  // False when a comment is not closed.
  bool SkipCfws() {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++pos_;
      } else if (c == '(') {
        int depth = 0;
        while (pos_ < s_.size()) {
          const char d = s_[pos_++];
          if (d == '\\' && pos_ < s_.size()) {
            ++pos_;
          } else if (d == '(') {
            ++depth;
          } else if (d == ')' && --depth == 0) {
            break;
          }
        }
        if (depth != 0) return false;
      } else {
        break;
      }
    }
    return true;
  }

  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Reads 1..max_digits digits; returns their count (0 when none).
  int Number(int max_digits, int64_t* value) {
    int n = 0;
    *value = 0;
    while (n < max_digits && IsDigit(Peek())) {
      *value = *value * 10 + (s_[pos_++] - '0');
      ++n;
    }
    return IsDigit(Peek()) ? 0 : n;  // more digits than allowed: not this token
  }
  std::string_view Word() {
    const size_t b = pos_;
    while (IsAlpha(Peek())) ++pos_;
    return s_.substr(b, pos_ - b);
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool StartsWithIgnoreCase(std::string_view word, std::string_view prefix) {
  if (word.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (LowerAscii(word[i]) != prefix[i]) return false;
  }
  return true;
}

// Month from its English name; the three-letter form is standard, full names are accepted.
int MonthNumber(std::string_view word) {
  static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3) return 0;
  for (int m = 0; m < 12; ++m) {
    if (StartsWithIgnoreCase(word, kMonths[m])) return m + 1;
  }
  return 0;
}

// Offset in minutes east of UTC for an obsolete zone name (RFC 5322 4.3); military letters and
// unknown alphabetic zones mean -0000 (no information), as that section says.
bool ObsoleteZoneOffset(std::string_view word, int* minutes) {
  static const struct {
    const char* name;
    int hours;
  } kZones[] = {{"ut", 0},   {"gmt", 0},  {"utc", 0},  {"est", -5}, {"edt", -4}, {"cst", -6},
                {"cdt", -5}, {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}, {"z", 0}};
  std::string lower;
  for (char c : word) lower.push_back(LowerAscii(c));
  for (const auto& z : kZones) {
    if (lower == z.name) {
      *minutes = z.hours * 60;
      return true;
    }
  }
  if (lower.size() == 1 && lower[0] != 'j') {
    *minutes = 0;
    return true;
  }
  return false;
}

}  // namespace

std::optional<int64_t> ParseMailDate(std::string_view value) {
  Scanner in(value);
  if (!in.SkipCfws()) return std::nullopt;
  // [ day-of-week "," ]
  if (IsAlpha(in.Peek())) {
    const std::string_view day = in.Word();
    if (day.size() < 3) return std::nullopt;
    if (!in.SkipCfws()) return std::nullopt;
    in.Consume(',');
    if (!in.SkipCfws()) return std::nullopt;
  }
  int64_t day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (in.Number(2, &day) == 0) return std::nullopt;
  if (!in.SkipCfws()) return std::nullopt;
  const int month = MonthNumber(in.Word());
  if (month == 0 || !in.SkipCfws()) return std::nullopt;
  const int year_digits = in.Number(9, &year);
  if (year_digits < 2) return std::nullopt;
  if (year_digits == 2) year += year < 50 ? 2000 : 1900;
  if (year_digits == 3) year += 1900;
  if (year < 1900 || year > 9999) return std::nullopt;
  if (!in.SkipCfws() || in.Number(2, &hour) == 0 || !in.SkipCfws() || !in.Consume(':') ||
      !in.SkipCfws() || in.Number(2, &minute) == 0 || !in.SkipCfws()) {
    return std::nullopt;
  }
  if (in.Consume(':')) {
    if (!in.SkipCfws() || in.Number(2, &second) == 0 || !in.SkipCfws()) return std::nullopt;
  }
  if (day < 1 || day > DaysInMonth(year, static_cast<unsigned>(month)) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  int zone_minutes = 0;
  const char sign = in.Peek();
  if (sign == '+' || sign == '-') {
    in.Consume(sign);
    int64_t hhmm = 0;
    if (in.Number(4, &hhmm) != 4 || hhmm % 100 > 59) return std::nullopt;
    zone_minutes = static_cast<int>((hhmm / 100) * 60 + hhmm % 100) * (sign == '-' ? -1 : 1);
  } else if (!ObsoleteZoneOffset(in.Word(), &zone_minutes)) {
    return std::nullopt;
  }
  if (!in.SkipCfws() || !in.AtEnd()) return std::nullopt;
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second - int64_t{zone_minutes} * 60;
}

std::string FormatIso8601Utc(int64_t t) {
  int64_t days = t / 86400;
  int64_t secs = t % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  // Inverse of DaysFromCivil.
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  // Written by hand: this runs once per message and snprintf showed up in profiles.
  std::string out = "0000-00-00T00:00:00Z";
  auto put = [&out](size_t end, int64_t v, int width) {
    for (int k = 1; k <= width; ++k, v /= 10) out[end - k] = static_cast<char>('0' + v % 10);
  };
  put(7, m, 2);
  put(10, d, 2);
  put(13, secs / 3600, 2);
  put(16, secs / 60 % 60, 2);
  put(19, secs % 60, 2);
  if (y < 0 || y > 9999) return std::to_string(y) + out.substr(4);  // a zone pushed it past 9999
  put(4, y, 4);
  return out;
}

}  // namespace mv
