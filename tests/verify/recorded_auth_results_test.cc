// recorded_auth_results: every Authentication-Results field of a message, top first, as the
// receivers wrote it, read back with the test JSON parser.
#include "verify/recorded_auth_results.h"

#include <gtest/gtest.h>

#include "../report/mini_json.h"

namespace mv {
namespace {

using testing::JsonParser;
using testing::JsonValue;

JsonValue Parse(const std::string& json) {
  std::optional<JsonValue> v = JsonParser::Parse(json);
  EXPECT_TRUE(v.has_value()) << json;
  return v ? *v : JsonValue{};
}

TEST(RecordedAuthResults, EachFieldTopFirstWithItsResults) {
  const std::string message =
      "Authentication-Results: mx.example.com;\r\n"
      "\tdkim=pass (2048-bit key) header.d=example.org header.s=sel header.b=AbCd;\r\n"
      "\tspf=fail reason=\"not permitted\" smtp.mailfrom=example.org\r\n"
      "Received: from a by b; Tue, 3 Mar 2020 10:00:00 +0000\r\n"
      "Authentication-Results: relay.example.net 1; none\r\n"
      "Authentication-Results: \r\n"
      "From: a@example.org\r\n\r\n";
  const JsonValue v = Parse(RecordedAuthResultsJson(HeaderIndex::Build(message)));
  ASSERT_EQ(v.kind, JsonValue::Kind::kArray);
  ASSERT_EQ(v.items.size(), 3u);

  const JsonValue& top = v.items[0];
  EXPECT_EQ(top.Str("authserv_id"), "mx.example.com");
  const JsonValue* results = top.Get("results");
  ASSERT_NE(results, nullptr);
  ASSERT_EQ(results->items.size(), 2u);
  EXPECT_EQ(results->items[0].Str("method"), "dkim");
  EXPECT_EQ(results->items[0].Str("result"), "pass");
  const JsonValue* props = results->items[0].Get("properties");
  ASSERT_NE(props, nullptr);
  EXPECT_EQ(props->Str("header.d"), "example.org");
  EXPECT_EQ(props->Str("header.s"), "sel");
  EXPECT_EQ(results->items[1].Str("result"), "fail");
  EXPECT_EQ(results->items[1].Str("reason"), "not permitted");

  EXPECT_EQ(v.items[1].Str("authserv_id"), "relay.example.net");
  ASSERT_NE(v.items[1].Get("results"), nullptr);
  EXPECT_TRUE(v.items[1].Get("results")->items.empty()) << "'none' records no result";
  EXPECT_NE(v.items[2].Str("error").find("no authserv-id"), std::string::npos);
}

TEST(RecordedAuthResults, NoFieldNoMemberAndManyFieldsAreCapped) {
  EXPECT_EQ(RecordedAuthResultsJson(HeaderIndex::Build("From: a@example.org\r\n\r\nbody\r\n")), "");
  std::string message;
  for (size_t k = 0; k < kMaxRecordedAuthResults + 10; ++k) {
    message += "Authentication-Results: hop" + std::to_string(k) + ".example; arc=none\r\n";
  }
  message += "\r\n";
  const JsonValue v = Parse(RecordedAuthResultsJson(HeaderIndex::Build(message)));
  ASSERT_EQ(v.items.size(), kMaxRecordedAuthResults);
  EXPECT_EQ(v.items[0].Str("authserv_id"), "hop0.example");
}

}  // namespace
}  // namespace mv
