#include "report/mail_date.h"

#include <gtest/gtest.h>
#include <time.h>

namespace mv {
namespace {

std::string Iso(std::string_view date) {
  std::optional<int64_t> t = ParseMailDate(date);
  return t ? FormatIso8601Utc(*t) : "<unparsed>";
}

TEST(ParseMailDate, Rfc5322Examples) {
  EXPECT_EQ(Iso("Fri, 21 Nov 1997 09:55:06 -0600"), "1997-11-21T15:55:06Z");
  EXPECT_EQ(Iso("Tue, 1 Jul 2003 10:52:37 +0200"), "2003-07-01T08:52:37Z");
  // Appendix A.5: comments and folding white space everywhere.
  EXPECT_EQ(Iso("Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32\r\n"
                "               -0330 (Newfoundland Time)"),
            "1969-02-14T03:02:00Z");
  // Appendix A.6.2: obsolete two-digit year and named zone.
  EXPECT_EQ(Iso("21 Nov 97 09:55:06 GMT"), "1997-11-21T09:55:06Z");
}

TEST(ParseMailDate, ObsoleteForms) {
  EXPECT_EQ(Iso("1 Jan 2000 00:00 EST"), "2000-01-01T05:00:00Z");  // no seconds
  EXPECT_EQ(Iso("Sat, 1 Jan 2000 00:00:00 PDT"), "2000-01-01T07:00:00Z");
  EXPECT_EQ(Iso("1 Jan 49 00:00:00 +0000"), "2049-01-01T00:00:00Z");
  EXPECT_EQ(Iso("1 Jan 50 00:00:00 +0000"), "1950-01-01T00:00:00Z");
  EXPECT_EQ(Iso("1 Jan 100 00:00:00 +0000"), "2000-01-01T00:00:00Z");  // three digits: +1900
  EXPECT_EQ(Iso("1 Jan 2000 00:00:00 A"), "2000-01-01T00:00:00Z");     // military: -0000
  EXPECT_EQ(Iso("Monday, 3 January 2022 10:00:00 +0000"), "2022-01-03T10:00:00Z");
  EXPECT_EQ(Iso("mon, 03 jan 2022 10:00:00 +0000 (UTC)"), "2022-01-03T10:00:00Z");
}

TEST(ParseMailDate, ZoneOffsetsCrossDayAndYear) {
  EXPECT_EQ(Iso("31 Dec 2021 23:30:00 -0100"), "2022-01-01T00:30:00Z");
  EXPECT_EQ(Iso("1 Jan 2022 00:15:00 +0545"), "2021-12-31T18:30:00Z");
  EXPECT_EQ(Iso("29 Feb 2024 12:00:00 +0000"), "2024-02-29T12:00:00Z");
}

TEST(ParseMailDate, RejectsWhatIsNotADateTime) {
  for (const char* bad :
       {"", "yesterday", "Mon, 3 Jan 2022 10:00:00", "3 Jan 2022 25:00:00 +0000",
        "3 Jan 2022 10:60:00 +0000", "3 Jan 2022 10:00:00 +0000 garbage",
        "3 Foo 2022 10:00:00 +0000", "29 Feb 2023 10:00:00 +0000", "31 Apr 2023 10:00:00 +0000",
        "0 Jan 2023 10:00:00 +0000", "3 Jan 2022 10:00:00 +0000 (unclosed",
        "3 Jan 2022 10:00:00 +00", "3 Jan 2022 10:00:00 +0070", "3 Jan 1899 10:00:00 +0000",
        "3 Jan 2022 10:00:00 J", "2022-01-03T10:00:00Z"}) {
    EXPECT_FALSE(ParseMailDate(bad).has_value()) << bad;
  }
}

TEST(FormatIso8601Utc, KnownInstants) {
  EXPECT_EQ(FormatIso8601Utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601Utc(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatIso8601Utc(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(FormatIso8601Utc(253402300799), "9999-12-31T23:59:59Z");
  EXPECT_EQ(FormatIso8601Utc(253402300800 + 3723), "10000-01-01T01:02:03Z");
  EXPECT_EQ(Iso("31 Dec 9999 23:00:00 -0130"), "10000-01-01T00:30:00Z");
  EXPECT_EQ(Iso("1 Jan 1900 00:00:00 +0100"), "1899-12-31T23:00:00Z");
}

// The civil-date arithmetic agrees with the C library over more than two centuries.
TEST(FormatIso8601Utc, AgreesWithGmtime) {
  for (int64_t t = -2208988800; t < 4102444800; t += 86400 * 7 + 3607) {
    time_t tt = static_cast<time_t>(t);
    struct tm tm;
    ASSERT_NE(gmtime_r(&tt, &tm), nullptr);
    char expected[32];
    strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ASSERT_EQ(FormatIso8601Utc(t), expected) << t;
    static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char date[64];
    snprintf(date, sizeof date, "%d %s %d %02d:%02d:%02d +0000", tm.tm_mday, kMonths[tm.tm_mon],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    ASSERT_EQ(ParseMailDate(date), t) << date;
  }
}

}  // namespace
}  // namespace mv
