// Raw DNS names in text: the master-file escapes and c-ares's query-name syntax (dns_name_text.h).
#include "dns/dns_name_text.h"

#include <gtest/gtest.h>

#include "dns/ldns_records.h"

namespace mv {
namespace {

TEST(DnsNameText, EveryByteButTheSeparatorRoundTrips) {
  for (int b = 1; b < 256; ++b) {
    if (b == '.') continue;
    const std::string raw = std::string("x") + static_cast<char>(b) + "y.example";
    const std::string text = EscapeDnsName(raw);
    EXPECT_EQ(text.find_first_of(" \t\r\n\"();@$"), std::string::npos) << b << ": " << text;
    std::string back;
    ASSERT_TRUE(UnescapeDnsName(text, &back)) << text;
    EXPECT_EQ(back, raw) << b;
    ASSERT_TRUE(UnescapeDnsName(text + ".", &back)) << text;
    EXPECT_EQ(back, raw) << "with the trailing dot: " << b;
  }
  EXPECT_EQ(EscapeDnsName("a b.ex%ample"), "a\\032b.ex%ample");
  EXPECT_EQ(EscapeDnsName("back\\slash"), "back\\092slash");
}

TEST(DnsNameText, UnescapeTakesLettersEscapedAndRefusesBrokenEscapes) {
  std::string raw;
  ASSERT_TRUE(UnescapeDnsName("a\\ b\\.c\\\\.example.", &raw));
  EXPECT_EQ(raw, "a b.c\\.example");  // "\\." is a byte of the label; the last '.' ends the name
  ASSERT_TRUE(UnescapeDnsName("x\\\\.", &raw));
  EXPECT_EQ(raw, "x\\");  // an escaped backslash before the final dot
  for (const char* bad : {"a\\", "a\\25", "a\\2x5.example", "a\\256.example"}) {
    EXPECT_FALSE(UnescapeDnsName(bad, &raw)) << bad;
  }
}

TEST(DnsNameText, AresNamesDoubleOnlyTheBackslash) {
  EXPECT_EQ(AresQueryName("a b.\x01\xff.example"), "a b.\x01\xff.example");
  EXPECT_EQ(AresQueryName("back\\slash.example"), "back\\\\slash.example");
}

TEST(DnsNameText, MasterLinesCarryRawNamesEscaped) {
  DnsRecord mx;
  mx.type = DnsType::kMx;
  mx.ttl = 60;
  mx.preference = 5;
  mx.target = "mx \"1\".example";
  Result<std::string> line = RecordToMasterLine("we@ird $name;(x).example", mx);
  ASSERT_TRUE(line.ok()) << line.error();
  EXPECT_EQ(*line,
            "we\\064ird\\032\\036name\\059\\040x\\041.example.\t60\tIN\tMX\t5 "
            "mx\\032\\0341\\034.example.");
  EXPECT_FALSE(RecordToMasterLine(std::string(64, 'a') + ".example", mx).ok());
  EXPECT_FALSE(RecordToMasterLine("a..example", mx).ok());
}

}  // namespace
}  // namespace mv
