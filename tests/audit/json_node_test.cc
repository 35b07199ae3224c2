#include "audit/json_node.h"

#include <gtest/gtest.h>

#include <string>

#include "util/json_writer.h"

namespace mv {
namespace {

TEST(JsonNode, ParsesWhatJsonWriterWrites) {
  std::string text;
  JsonWriter w(&text);
  w.BeginObject();
  w.Field("s", std::string_view("a\"b\\c\n\x01\xC3\xA9"));
  w.Field("n", int64_t{-42}).Field("u", uint64_t{18446744073709551ull});
  w.Field("t", true).Field("f", false);
  w.Key("z").Null();
  w.Key("a").BeginArray().String("x").Int(1).BeginObject().EndObject().EndArray();
  w.EndObject();
  Result<JsonNode> v = JsonNode::Parse(text);
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

TEST(JsonNode, DecodesUnicodeEscapesAndSurrogatePairs) {
  Result<JsonNode> v = JsonNode::Parse(R"(["\u00e9", "\ud83d\ude00", "\ud800x"])");
  ASSERT_TRUE(v.ok()) << v.error();
  EXPECT_EQ(v->items()[0].AsString(), "\xC3\xA9");
  EXPECT_EQ(v->items()[1].AsString(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(v->items()[2].AsString(), "\xEF\xBF\xBDx");  // lone surrogate -> U+FFFD
}

TEST(JsonNode, RejectsMalformedInput) {
  for (const char* bad :
       {"", "{", "[1,", "{\"a\" 1}", "\"abc", "tru", "[1] 2", "{\"a\":}", "\"\\q\"", "-"}) {
    EXPECT_FALSE(JsonNode::Parse(bad).ok()) << bad;
  }
  std::string deep(1000, '[');
  deep += std::string(1000, ']');
  EXPECT_FALSE(JsonNode::Parse(deep).ok());
}

TEST(JsonNode, WrongTypeAccessorsGiveDefaults) {
  Result<JsonNode> v = JsonNode::Parse(R"({"a": "text"})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)["a"].AsInt(), 0);
  EXPECT_FALSE((*v)["a"].AsBool());
  EXPECT_EQ((*v)["missing"]["deeper"].AsString(), "");
  EXPECT_TRUE((*v)["a"].items().empty());
}

}  // namespace
}  // namespace mv
