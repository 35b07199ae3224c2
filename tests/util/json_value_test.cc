#include "util/json_value.h"

#include <gtest/gtest.h>

#include <string>

#include "util/json_writer.h"

namespace mv {
namespace {

TEST(JsonValue, ParsesWhatJsonWriterWrites) {
  std::string text;
  JsonWriter w(&text);
  w.BeginObject();
  w.Field("s", std::string_view("a\"b\\c\n\x01\xC3\xA9"));
  w.Field("n", int64_t{-42}).Field("u", uint64_t{18446744073709551ull});
  w.Field("t", true).Field("f", false);
  w.Key("z").Null();
  w.Key("a").BeginArray().String("x").Int(1).BeginObject().EndObject().EndArray();
  w.EndObject();
  Result<JsonValue> v = JsonValue::Parse(text);
  ASSERT_TRUE(v.ok()) << v.error() << " in " << text;
  EXPECT_EQ((*v)["s"].AsString(), "a\"b\\c\n\x01\xC3\xA9");
  EXPECT_EQ((*v)["n"].AsInt(), -42);
  EXPECT_TRUE((*v)["t"].AsBool());
  EXPECT_FALSE((*v)["f"].AsBool());
  EXPECT_TRUE((*v)["z"].is_null());
  EXPECT_TRUE((*v).Has("z"));
  EXPECT_FALSE((*v).Has("missing"));
  ASSERT_EQ((*v)["a"].items().size(), 3u);
  EXPECT_EQ((*v)["a"].items()[0].AsString(), "x");
  EXPECT_TRUE((*v)["a"].items()[2].is_object());
}

TEST(JsonValue, DecodesUnicodeEscapesAndSurrogatePairs) {
  Result<JsonValue> v = JsonValue::Parse(R"(["\u00e9", "\ud83d\ude00", "\ud800x", "\u20ac"])");
  ASSERT_TRUE(v.ok()) << v.error();
  EXPECT_EQ(v->items()[0].AsString(), "\xE9");  // JsonWriter's escape of a raw non-UTF-8 byte
  EXPECT_EQ(v->items()[3].AsString(), "\xE2\x82\xAC");
  EXPECT_EQ(v->items()[1].AsString(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(v->items()[2].AsString(), "\xEF\xBF\xBDx");  // lone surrogate -> U+FFFD
}

TEST(JsonValue, RejectsMalformedInput) {
  for (const char* bad :
       {"", "{", "[1,", "{\"a\" 1}", "\"abc", "tru", "[1] 2", "{\"a\":}", "\"\\q\"", "-"}) {
    EXPECT_FALSE(JsonValue::Parse(bad).ok()) << bad;
  }
  std::string deep(1000, '[');
  deep += std::string(1000, ']');
  EXPECT_FALSE(JsonValue::Parse(deep).ok());
}

TEST(JsonValue, WrongTypeAccessorsGiveDefaults) {
  Result<JsonValue> v = JsonValue::Parse(R"({"a": "text"})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)["a"].AsInt(), 0);
  EXPECT_FALSE((*v)["a"].AsBool());
  EXPECT_EQ((*v)["missing"]["deeper"].AsString(), "");
  EXPECT_TRUE((*v)["a"].items().empty());
}

// Every byte string JsonWriter writes reads back as the same bytes, and integers keep 64 bits.
TEST(JsonValue, InvertsJsonWriterExactly) {
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));
  const std::vector<std::string> strings = {all_bytes, "caf\xc3\xa9 \xe9 \xf0\x9f\x98\x80", "",
                                            std::string("nul\0in", 6)};
  std::string text;
  JsonWriter w(&text);
  w.BeginObject().Key("s").BeginArray();
  for (const std::string& s : strings) w.String(s);
  w.EndArray().Field("big", int64_t{1764000000123456789}).Field("neg", int64_t{-5});
  w.Key("real").Double(2.5).EndObject();
  Result<JsonValue> v = JsonValue::Parse(text);
  ASSERT_TRUE(v.ok()) << v.error();
  ASSERT_EQ((*v)["s"].items().size(), strings.size());
  for (size_t i = 0; i < strings.size(); ++i)
    EXPECT_EQ((*v)["s"].items()[i].AsString(), strings[i]);
  EXPECT_TRUE((*v)["big"].is_integer());
  EXPECT_EQ((*v)["big"].AsInt(), 1764000000123456789);
  EXPECT_EQ((*v)["neg"].AsInt(), -5);
  EXPECT_FALSE((*v)["real"].is_integer());
  EXPECT_EQ((*v)["real"].AsNumber(), 2.5);
  EXPECT_EQ(v->Find("missing"), nullptr);
}

}  // namespace
}  // namespace mv
