#include "audit/bounce_check.h"

#include <gtest/gtest.h>

#include <string>

#include "dns/memory_source.h"
#include "spf/spf_check.h"

namespace mv {
namespace {

// An RFC 3464 report in the shape Postfix sends, with two recipients.
const char* kDsn =
    "Return-Path: <>\r\n"
    "Received: from mx.example.net (mx.example.net [192.0.2.10])\r\n"
    "\tby mx.example.org with ESMTP id 1; Tue, 2 Jan 2024 10:00:00 +0000\r\n"
    "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\r\n"
    "To: alice@example.org\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "Date: Tue, 2 Jan 2024 10:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=\"delivery-status\";\r\n"
    "\tboundary=\"B1.1704189600/mx.example.net\"\r\n"
    "\r\n"
    "This is a MIME-encapsulated message.\r\n"
    "\r\n"
    "--B1.1704189600/mx.example.net\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "I'm sorry to have to inform you that your message could not be delivered.\r\n"
    "Final-Recipient: rfc822; decoy@example.com\r\n"
    "\r\n"
    "--B1.1704189600/mx.example.net\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; mx.example.net\r\n"
    "Arrival-Date: Tue, 2 Jan 2024 09:59:58 +0000\r\n"
    "\r\n"
    "Final-Recipient: rfc822; bob@example.com\r\n"
    "Original-Recipient: rfc822;Bob@Example.com\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>:\r\n"
    "    Recipient address rejected: User unknown\r\n"
    "\r\n"
    "Final-Recipient: rfc822; carol@example.com\r\n"
    "Action: delayed\r\n"
    "Status: 4.4.1\r\n"
    "\r\n"
    "--B1.1704189600/mx.example.net\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "From: alice@example.org\r\n"
    "Subject: hello\r\n"
    "\r\n"
    "hi\r\n"
    "--B1.1704189600/mx.example.net--\r\n";

TEST(BounceCheck, ParsesTheFirstRecipientOfAnRfc3464Report) {
  const HeaderIndex headers = HeaderIndex::Build(kDsn);
  std::optional<DeliveryStatus> dsn = ParseDeliveryStatus(headers);
  ASSERT_TRUE(dsn.has_value());
  EXPECT_TRUE(dsn->null_sender);
  EXPECT_EQ(dsn->reporting_mta, "mx.example.net");
  EXPECT_EQ(dsn->final_recipient, "bob@example.com");  // not the decoy in the text part
  EXPECT_EQ(dsn->original_recipient, "Bob@Example.com");
  EXPECT_EQ(dsn->action, "failed");
  EXPECT_EQ(dsn->status, "5.1.1");
  EXPECT_EQ(dsn->diagnostic_code,
            "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown");
  EXPECT_EQ(dsn->recipients, 2u);
}

TEST(BounceCheck, MarksTheRecordAndCounts) {
  ParsedMessage msg;
  msg.raw.bytes = kDsn;
  msg.headers = HeaderIndex::Build(msg.raw.bytes);
  MessageRecord record;
  BounceCheck().Run(msg, &record);
  ASSERT_EQ(record.members.size(), 2u);
  EXPECT_EQ(record.members[0].key, "bounce");
  EXPECT_EQ(record.members[0].json, "true");
  EXPECT_EQ(record.members[1].key, "dsn");
  EXPECT_NE(record.members[1].json.find("\"final_recipient\":\"bob@example.com\""),
            std::string::npos);
  EXPECT_NE(record.members[1].json.find("\"status\":\"5.1.1\""), std::string::npos);
  ASSERT_EQ(record.counters.size(), 2u);
  EXPECT_EQ(record.counters[0].first, "bounce");
  EXPECT_EQ(record.counters[1].first, "bounce.failed");
}

TEST(BounceCheck, LeavesOtherMailAlone) {
  for (const char* text : {
           "From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n",
           // A report of another type (a DMARC failure report, RFC 6591) is not a bounce.
           "Content-Type: multipart/report; report-type=feedback-report; boundary=x\r\n\r\n"
           "--x\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: auth-failure\r\n"
           "--x--\r\n",
           "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\n--x--\r\n",
       }) {
    ParsedMessage msg;
    msg.raw.bytes = text;
    msg.headers = HeaderIndex::Build(msg.raw.bytes);
    MessageRecord record;
    BounceCheck().Run(msg, &record);
    EXPECT_TRUE(record.members.empty()) << text;
    EXPECT_TRUE(record.counters.empty()) << text;
  }
}

TEST(BounceCheck, LfLineEndsAndUnquotedParameters) {
  const std::string text =
      "Return-Path: < >\n"
      "Content-Type: Multipart/Report; boundary=zz; Report-Type=Delivery-Status\n\n"
      "--zz\nContent-Type: message/delivery-status\n\nReporting-MTA: dns;b.example\n\n"
      "Final-Recipient: rfc822;x@y.example\nAction: Failed\nStatus: 5.7.1\n--zz--\n";
  const HeaderIndex headers = HeaderIndex::Build(text);
  std::optional<DeliveryStatus> dsn = ParseDeliveryStatus(headers);
  ASSERT_TRUE(dsn.has_value());
  EXPECT_TRUE(dsn->null_sender);
  EXPECT_EQ(dsn->final_recipient, "x@y.example");
  EXPECT_EQ(dsn->action, "failed");
  EXPECT_EQ(dsn->status, "5.7.1");
  EXPECT_EQ(dsn->recipients, 1u);
}

// RFC 7208 2.4: with a null reverse-path, SPF checks the HELO identity (postmaster@HELO).
TEST(BounceCheck, SpfOfABounceUsesTheHeloIdentity) {
  const HeaderIndex headers = HeaderIndex::Build(kDsn);
  MemoryDnsSource dns;
  dns.AddTxt("mx.example.net", {"v=spf1 ip4:192.0.2.10 -all"});
  SpfOutcome outcome = SpfCheck(headers, dns, SpfOptions{});
  EXPECT_TRUE(outcome.envelope.null_sender);
  EXPECT_EQ(outcome.identity.kind, "helo");
  EXPECT_EQ(outcome.identity.domain, "mx.example.net");
  EXPECT_EQ(outcome.identity.sender, "postmaster@mx.example.net");
  EXPECT_EQ(SpfResultName(outcome.verdict.result), "pass");

  // The same bounce from an address the HELO domain does not list fails.
  std::string other(kDsn);
  other.replace(other.find("192.0.2.10"), 10, "192.0.2.99");
  const HeaderIndex other_headers = HeaderIndex::Build(other);
  outcome = SpfCheck(other_headers, dns, SpfOptions{});
  EXPECT_EQ(outcome.identity.kind, "helo");
  EXPECT_EQ(SpfResultName(outcome.verdict.result), "fail");
}

}  // namespace
}  // namespace mv
