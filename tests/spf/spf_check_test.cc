#include "spf/spf_check.h"

#include <gtest/gtest.h>

#include "dns/memory_source.h"

namespace mv {
namespace {

class SpfCheckTest : public ::testing::Test {
 protected:
  SpfCheckTest() {
    dns_.AddTxt("sender.example", {"v=spf1 ip4:198.41.0.0/24 -all exp=why.sender.example"});
    dns_.AddTxt("why.sender.example", {"%{i} is not a sender.example server"});
    dns_.AddTxt("out.sender.example", {"v=spf1 a -all"});
    dns_.AddAddress("out.sender.example", "198.41.0.9");
  }
  std::string Json(const SpfOutcome& o) {
    std::string s;
    JsonWriter w(&s);
    WriteSpfJson(o, &w);
    return s;
  }
  MemoryDnsSource dns_;
};

TEST_F(SpfCheckTest, ChecksMailFromAndComparesWithTheRecordedVerdict) {
  const char msg[] =
      "Return-Path: <news@sender.example>\r\n"
      "Received-SPF: fail (mx.example.net: domain of news@sender.example does not designate"
      " 198.41.1.7 as permitted sender)\r\n"
      "Received: from out.sender.example (out.sender.example [198.41.1.7])\r\n"
      "\tby mx.example.net (Postfix) with ESMTPS id 1; Mon, 8 Jan 2024 10:15:02 +0100\r\n"
      "\r\n";
  HeaderIndex h = HeaderIndex::Build(msg);
  SpfOptions options;
  SpfOutcome o = SpfCheck(h, dns_, options);
  EXPECT_EQ(o.identity.kind, "mailfrom");
  EXPECT_EQ(o.verdict.result, SpfResult::kFail);
  EXPECT_FALSE(o.recorded_differs);
  std::vector<DnsQuestion> questions;
  CollectSpfQuestions(o.envelope, &questions);
  ASSERT_EQ(questions.size(), 1u);
  EXPECT_EQ(questions[0], (DnsQuestion{"sender.example", DnsType::kTxt}));
  EXPECT_EQ(Json(o),
            "{\"result\":\"fail\",\"reason\":\"matched -all in the SPF record of "
            "sender.example\",\"ip\":\"198.41.1.7\",\"helo\":\"out.sender.example\","
            "\"mailfrom\":\"news@sender.example\",\"identity\":\"mailfrom\",\"domain\":"
            "\"sender.example\",\"lookups\":0,\"void_lookups\":0,\"explanation\":\"198.41.1.7 is "
            "not a sender.example server\",\"recorded_result\":\"fail\",\"recorded_by\":"
            "\"received-spf\",\"recorded_differs\":false}");
}

TEST_F(SpfCheckTest, NullReversePathChecksTheHeloIdentity) {
  const char msg[] =
      "Return-Path: <>\n"
      "Received-SPF: none\n"
      "Received: from out.sender.example (out.sender.example [198.41.0.9])\n"
      "\tby mx.example.net (Postfix) with ESMTPS id 2; Mon, 8 Jan 2024 10:15:02 +0100\n"
      "\n";
  HeaderIndex h = HeaderIndex::Build(msg);
  SpfOutcome o = SpfCheck(h, dns_, SpfOptions{});
  EXPECT_EQ(o.identity.kind, "helo");
  EXPECT_EQ(o.identity.sender, "postmaster@out.sender.example");
  EXPECT_EQ(o.verdict.result, SpfResult::kPass);
  EXPECT_EQ(o.verdict.lookups, 1);
  EXPECT_TRUE(o.recorded_differs);
}

TEST_F(SpfCheckTest, NoClientAddressIsResultNoneNotAnError) {
  const char msg[] =
      "Return-Path: <news@sender.example>\n"
      "Received-SPF: pass\n"
      "Received: from localhost (localhost [127.0.0.1]) by box.example with ESMTP id 3\n"
      "\n";
  HeaderIndex h = HeaderIndex::Build(msg);
  SpfOutcome o = SpfCheck(h, dns_, SpfOptions{});
  EXPECT_EQ(o.verdict.result, SpfResult::kNone);
  EXPECT_EQ(o.verdict.reason, "no-client-ip");
  std::vector<DnsQuestion> questions;
  CollectSpfQuestions(o.envelope, &questions);
  EXPECT_TRUE(questions.empty());
  EXPECT_EQ(Json(o),
            "{\"result\":\"none\",\"reason\":\"no-client-ip\",\"ip\":null,\"helo\":null,"
            "\"mailfrom\":\"news@sender.example\",\"identity\":null,\"domain\":null,\"lookups\":0,"
            "\"void_lookups\":0,\"explanation\":null,\"recorded_result\":\"pass\",\"recorded_by\":"
            "\"received-spf\",\"recorded_differs\":false}");
}

TEST_F(SpfCheckTest, MissingReturnPathIsNotGuessed) {
  const char msg[] =
      "Received: from out.sender.example (out.sender.example [198.41.0.9])\n"
      "\tby mx.example.net (Postfix) with ESMTPS id 4; Mon, 8 Jan 2024 10:15:02 +0100\n"
      "\n";
  HeaderIndex h = HeaderIndex::Build(msg);
  SpfOutcome o = SpfCheck(h, dns_, SpfOptions{});
  EXPECT_EQ(o.verdict.result, SpfResult::kNone);
  EXPECT_EQ(o.verdict.reason, "no-return-path");
}

}  // namespace
}  // namespace mv
