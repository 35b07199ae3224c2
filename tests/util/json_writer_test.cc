#include "util/json_writer.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(Quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");  // valid UTF-8 kept
  EXPECT_EQ(Quote("caf\xe9"), R"("caf\u00e9")");      // Latin-1 byte escaped
  EXPECT_EQ(Quote("\xc0\xaf"), R"("\u00c0\u00af")");  // overlong form rejected
  EXPECT_EQ(Quote("\xed\xa0\x80"), R"("\u00ed\u00a0\u0080")");  // surrogate rejected
  EXPECT_EQ(Quote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");  // emoji kept
  EXPECT_EQ(Quote("\xe2\x82"), R"("\u00e2\u0082")");  // truncated sequence
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
