// Calendar arithmetic shared by every date reader (mail Date fields, .emlx plists, IMAP
// INTERNALDATE, --at): days since the Unix epoch of a civil date, without the C library's
// time-zone state (timegm is not standard and mktime reads TZ).
#pragma once

#include <cstdint>

namespace mv {

// Days since 1970-01-01 of a proleptic Gregorian date; `m` 1-12, `d` 1-31 (H. Hinnant's
// days_from_civil, exact for every year an int64_t holds here).
inline int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace mv
