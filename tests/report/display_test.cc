#include "report/display.h"

#include <gtest/gtest.h>

#include <random>

namespace mv {
namespace {

TEST(UnfoldAndTrim, RemovesFoldingAndOuterBlanks) {
  EXPECT_EQ(UnfoldAndTrim(" <abc@example.com>\r\n"), "<abc@example.com>");
  EXPECT_EQ(UnfoldAndTrim("  Hello\r\n world\n\tagain  "), "Hello world\tagain");
  EXPECT_EQ(UnfoldAndTrim(" \r\n <id@x>"), "<id@x>");
  EXPECT_EQ(UnfoldAndTrim(""), "");
}

// RFC 2047 section 8, the examples of how blanks between encoded-words are handled.
TEST(DecodeHeaderForDisplay, Rfc2047SectionEightExamples) {
  EXPECT_EQ(DecodeHeaderForDisplay("(=?ISO-8859-1?Q?a?=)"), "(a)");
  EXPECT_EQ(DecodeHeaderForDisplay("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
  EXPECT_EQ(DecodeHeaderForDisplay("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(DecodeHeaderForDisplay("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(DecodeHeaderForDisplay("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(DecodeHeaderForDisplay("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
  EXPECT_EQ(DecodeHeaderForDisplay("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)");
}

TEST(DecodeHeaderForDisplay, Rfc2047AddressExamples) {
  EXPECT_EQ(DecodeHeaderForDisplay(" =?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>"),
            "Keith Moore <moore@cs.utk.edu>");
  EXPECT_EQ(DecodeHeaderForDisplay("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>"),
            "Andr\xC3\xA9 Pirard <PIRARD@vm1.ulg.ac.be>");
  EXPECT_EQ(DecodeHeaderForDisplay("=?ISO-8859-1?Q?Olle_J=E4rnefors?= <ojarnef@admin.kth.se>"),
            "Olle J\xC3\xA4rnefors <ojarnef@admin.kth.se>");
}

TEST(DecodeHeaderForDisplay, Base64AndQuotedPrintableUtf8) {
  EXPECT_EQ(DecodeHeaderForDisplay("=?UTF-8?B?w7xiZXI=?="),
            "\xC3\xBC"
            "ber");
  EXPECT_EQ(DecodeHeaderForDisplay("=?utf-8?b?w7xiZXI?="),
            "\xC3\xBC"
            "ber");  // no padding
  EXPECT_EQ(DecodeHeaderForDisplay("=?utf-8?q?Caf=C3=A9?= au lait"), "Caf\xC3\xA9 au lait");
  EXPECT_EQ(DecodeHeaderForDisplay("=?utf-8?q?caf=c3=a9?="), "caf\xC3\xA9");  // lower-case hex
}

TEST(DecodeHeaderForDisplay, CharacterSplitAcrossWordsIsJoined) {
  // U+00FC is C3 BC; a sender split it across two words (forbidden, but it happens).
  EXPECT_EQ(DecodeHeaderForDisplay("=?utf-8?q?=C3?= =?utf-8?q?=BC?="), "\xC3\xBC");
  EXPECT_EQ(DecodeHeaderForDisplay("=?UTF-8?B?w4==?=\r\n =?UTF-8?B?vA==?="), "\xC3\xBC");
}

TEST(DecodeHeaderForDisplay, OtherCharsetsGoThroughIconv) {
  EXPECT_EQ(DecodeHeaderForDisplay("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?="),
            "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88");  // テスト
  EXPECT_EQ(DecodeHeaderForDisplay("=?koi8-r?b?8NLJ18XU?="),
            "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");  // Привет
  EXPECT_EQ(DecodeHeaderForDisplay("=?windows-1252?q?=80_5?="), "\xE2\x82\xAC 5");
}

TEST(DecodeHeaderForDisplay, LanguageSuffixIsIgnored) {
  EXPECT_EQ(DecodeHeaderForDisplay("=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");
}

TEST(DecodeHeaderForDisplay, LenientPlacement) {
  EXPECT_EQ(DecodeHeaderForDisplay("Re:=?utf-8?q?x?="), "Re:x");
  EXPECT_EQ(DecodeHeaderForDisplay("\"=?utf-8?q?J=C3=B6rg?=\" <j@example.org>"),
            "\"J\xC3\xB6rg\" <j@example.org>");
}

TEST(DecodeHeaderForDisplay, UndecodableWordsStayRaw) {
  EXPECT_EQ(DecodeHeaderForDisplay("=?x-no-such-charset?q?abc?="), "=?x-no-such-charset?q?abc?=");
  EXPECT_EQ(DecodeHeaderForDisplay("=?utf-8?b?*bad*?="), "=?utf-8?b?*bad*?=");
  EXPECT_EQ(DecodeHeaderForDisplay("=?utf-8?q?=FF?="), "=?utf-8?q?=FF?=");  // not UTF-8
  EXPECT_EQ(DecodeHeaderForDisplay("=?utf-8?q?=4?="), "=?utf-8?q?=4?=");    // cut escape
  EXPECT_EQ(DecodeHeaderForDisplay("=?us-ascii?q?=E9?="), "=?us-ascii?q?=E9?=");
  EXPECT_EQ(DecodeHeaderForDisplay("=?utf-8?x?abc?="), "=?utf-8?x?abc?=");  // unknown encoding
  // iconv option syntax must not reach iconv_open.
  EXPECT_EQ(DecodeHeaderForDisplay("=?utf-8//IGNORE?q?a?="), "=?utf-8//IGNORE?q?a?=");
  // A good word next to a bad one: the good one decodes, the bad one keeps its blank.
  EXPECT_EQ(DecodeHeaderForDisplay("=?utf-8?q?a?= =?bogus?q?b?= =?utf-8?q?c?="),
            "a =?bogus?q?b?= c");
}

TEST(DecodeHeaderForDisplay, TextWithoutWordsIsOnlyUnfolded) {
  EXPECT_EQ(DecodeHeaderForDisplay(" plain\r\n subject "), "plain subject");
  EXPECT_EQ(DecodeHeaderForDisplay("a =? b ?= c"), "a =? b ?= c");
  EXPECT_EQ(DecodeHeaderForDisplay("=?utf-8?q?a b?="), "=?utf-8?q?a b?=");  // blank inside
  EXPECT_EQ(DecodeHeaderForDisplay("=?utf-8?q?unterminated"), "=?utf-8?q?unterminated");
  // Raw 8-bit text (RFC 6532) passes through untouched.
  EXPECT_EQ(DecodeHeaderForDisplay("Gr\xC3\xBC\xC3\x9F"
                                   "e"),
            "Gr\xC3\xBC\xC3\x9F"
            "e");
}

std::string EncodeWord(std::string_view bytes, bool base64, std::string_view charset) {
  static const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static const char kHex[] = "0123456789ABCDEF";
  std::string word = "=?" + std::string(charset) + (base64 ? "?B?" : "?Q?");
  if (base64) {
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
      const uint32_t v =
          (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
      for (int k = 3; k >= 0; --k) word.push_back(kB64[(v >> (6 * k)) & 63]);
    }
    if (bytes.size() - i == 1) {
      const uint32_t v = uint8_t(bytes[i]) << 16;
      word += {kB64[v >> 18], kB64[(v >> 12) & 63], '=', '='};
    } else if (bytes.size() - i == 2) {
      const uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
      word += {kB64[v >> 18], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], '='};
    }
  } else {
    for (char c : bytes) {
      const uint8_t u = static_cast<uint8_t>(c);
      if (c == ' ') {
        word.push_back('_');
      } else if (u > ' ' && u < 0x7F && c != '=' && c != '?' && c != '_') {
        word.push_back(c);
      } else {
        word += {'=', kHex[u >> 4], kHex[u & 15]};
      }
    }
  }
  return word + "?=";
}

// Random UTF-8 text, encoded as a run of B and Q words split at random byte positions (even inside
// a character) and separated by random blanks and folding, decodes back to the text.
TEST(DecodeHeaderForDisplay, RandomTextRoundTrips) {
  std::mt19937 rng(20261126);
  const std::vector<std::string> pieces = {
      "a",  "Z", " ",  "?", "=", "_", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x93\xA7",
      "\"", "(", "x y"};
  const std::vector<std::string> separators = {" ", "  ", "\t", "\r\n ", "\n\t"};
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
    // Leading and trailing blanks would be trimmed, as for any header value.
    if (text.front() == ' ') text.front() = 'L';
    if (text.back() == ' ') text.back() = 'T';
    std::string encoded = "  ";
    size_t pos = 0;
    while (pos < text.size()) {
      const size_t len = 1 + rng() % (text.size() - pos);
      if (pos > 0) encoded += separators[rng() % separators.size()];
      encoded += EncodeWord(std::string_view(text).substr(pos, len), rng() % 2 == 0,
                            rng() % 2 == 0 ? "utf-8" : "UTF-8");
      pos += len;
    }
    ASSERT_EQ(DecodeHeaderForDisplay(encoded), text) << encoded;
  }
}

}  // namespace
}  // namespace mv
