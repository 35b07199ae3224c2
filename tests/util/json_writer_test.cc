#include "util/json_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <random>

namespace mv {
namespace {

std::string Quote(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

TEST(JsonWriter, EscapesControlQuotesAndInvalidUtf8) {
  EXPECT_EQ(Quote("a\"b\\c\n\r\t"), R"("a\"b\\c\n\r\t")");
  EXPECT_EQ(Quote(std::string("\x01\x00", 2)), R"("\u0001\u0000")");
  EXPECT_EQ(Quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");            // valid UTF-8 kept
  EXPECT_EQ(Quote("caf\xe9"), R"("caf\u00e9")");                 // Latin-1 byte escaped
  EXPECT_EQ(Quote("\xc0\xaf"), R"("\u00c0\u00af")");             // overlong form rejected
  EXPECT_EQ(Quote("\xed\xa0\x80"), R"("\u00ed\u00a0\u0080")");   // surrogate rejected
  EXPECT_EQ(Quote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");  // emoji kept
  EXPECT_EQ(Quote("\xe2\x82"), R"("\u00e2\u0082")");             // truncated sequence
}

// The escaping rule written out byte by byte, as simply as possible, to check the block scan of
// AppendJsonString against: it must give the same bytes for every input.
std::string ReferenceQuote(std::string_view s) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto valid_sequence = [&](size_t i) -> size_t {
    const unsigned char c = byte(i);
    size_t n = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      cp = c & 0x07;
    } else {
      return 0;
    }
    if (i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return n;
  };
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = byte(i);
    char hex[8];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20) {
      snprintf(hex, sizeof hex, "\\u%04x", c);
      out += hex;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (size_t n = valid_sequence(i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    } else {
      snprintf(hex, sizeof hex, "\\u%04x", c);
      out += hex;
    }
    ++i;
  }
  return out + "\"";
}

TEST(JsonWriter, EveryByteAtEveryPositionOfALongRun) {
  // The scan works on 16-byte blocks: a byte that needs a look must be found wherever it sits in a
  // block, in the tail after the last whole block, and next to UTF-8 that continues over a block
  // boundary.
  int compared = 0;
  for (int b = 0; b < 256; ++b) {
    for (size_t pos = 0; pos < 40; ++pos) {
      std::string s(40, 'x');
      s[pos] = static_cast<char>(b);
      ASSERT_EQ(Quote(s), ReferenceQuote(s)) << "byte " << b << " at " << pos;
      s.insert(pos, "\xc3\xa9");  // valid two-byte sequence just before it
      ASSERT_EQ(Quote(s), ReferenceQuote(s)) << "byte " << b << " after UTF-8 at " << pos;
      compared += 2;
    }
  }
  EXPECT_EQ(compared, 256 * 40 * 2);
}

TEST(JsonWriter, RandomBytesMatchTheReferenceEscaping) {
  std::mt19937 rng(20261126);
  // Mostly printable ASCII with some UTF-8 sequences (valid and broken) and controls, the mix that
  // header fields of real mail hold.
  const std::string_view pieces[] = {
      "a",    "Z",        " ",    "\"",           "\\",           "\n",
      "\t",   "\x01",     "\x7f", "\xc3\xa9",     "\xe2\x82\xac", "\xf0\x9f\x98\x80",
      "\xc3", "\xe2\x82", "\xff", "\xed\xa0\x80", "\xc0\xaf",     "0123456789abcdef"};
  std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1), length(0, 60);
  for (int round = 0; round < 5000; ++round) {
    std::string s;
    for (size_t k = length(rng); k > 0; --k) s += pieces[piece(rng)];
    ASSERT_EQ(Quote(s), ReferenceQuote(s)) << "round " << round;
  }
}

TEST(JsonWriter, KeysAreEscapedLikeValues) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("plain", 1).Field("needs \"quotes\"\n", 2).Field("caf\xe9", 3).EndObject();
  EXPECT_EQ(out, R"({"plain":1,"needs \"quotes\"\n":2,"caf\u00e9":3})");
}

TEST(JsonWriter, NestsObjectsAndArraysWithCommas) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("a", 1).Key("b").BeginArray().String("x").Bool(false).Null().EndArray();
  w.Key("c").BeginObject().EndObject().Field("d", uint64_t{18446744073709551615u}).EndObject();
  EXPECT_EQ(out, R"({"a":1,"b":["x",false,null],"c":{},"d":18446744073709551615})");
}

}  // namespace
}  // namespace mv
