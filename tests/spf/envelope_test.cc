#include "spf/envelope.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

// A message as the organisation's mail store keeps it: an internal hop on top, the border MX below
// it, and a header the sender forged before that.
const char kDelivered[] =
    "Return-Path: <bounces+123@mail.sender.example>\r\n"
    "Delivered-To: alice@example.net\r\n"
    "Received: from mx1.example.net (mx1.example.net [10.0.0.5])\r\n"
    "\tby store.example.net (Postfix) with LMTP id 77AA1;\r\n"
    "\tMon,  8 Jan 2024 10:15:03 +0100 (CET)\r\n"
    "Authentication-Results: mx1.example.net;\r\n"
    "\tdkim=pass header.d=sender.example;\r\n"
    "\tspf=softfail (mx1: 198.41.0.9 is not allowed) smtp.mailfrom=mail.sender.example\r\n"
    "Authentication-Results: evil.example; spf=pass smtp.mailfrom=mail.sender.example\r\n"
    "Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=198.41.0.9;\r\n"
    " helo=out.sender.example; envelope-from=bounces+123@mail.sender.example;\r\n"
    " receiver=<UNKNOWN>\r\n"
    "Received: from out.sender.example (out.sender.example [198.41.0.9])\r\n"
    "\tby mx1.example.net (Postfix) with ESMTPS id 4T2bXk;\r\n"
    "\tMon,  8 Jan 2024 10:15:02 +0100 (CET)\r\n"
    "Received: from forged.example (forged.example [8.8.8.8])\r\n"
    "\tby mx.forged.example with SMTP; Mon, 8 Jan 2024 10:00:00 +0100\r\n"
    "From: News <news@sender.example>\r\n"
    "\r\n"
    "body\r\n";

TEST(Envelope, DefaultBoundaryIsTheTopmostPublicClientAddress) {
  HeaderIndex h = HeaderIndex::Build(kDelivered);
  SpfEnvelope e = ExtractEnvelope(h, EnvelopeOptions{});
  EXPECT_TRUE(e.has_return_path);
  EXPECT_FALSE(e.null_sender);
  EXPECT_EQ(e.mail_from, "bounces+123@mail.sender.example");
  ASSERT_TRUE(e.client_ip);
  EXPECT_EQ(e.client_ip->ToString(), "198.41.0.9");
  EXPECT_EQ(e.helo, "out.sender.example");
  EXPECT_EQ(e.boundary_by, "mx1.example.net");
  EXPECT_EQ(e.boundary_index, 1);
  // Without a trusted authserv-id only Received-SPF counts.
  ASSERT_TRUE(e.recorded_result);
  EXPECT_EQ(*e.recorded_result, SpfResult::kPass);
  EXPECT_EQ(e.recorded_by, "received-spf");
}

TEST(Envelope, ReceiverPatternsSkipInternalHopsAndTrustTheirAuthservId) {
  HeaderIndex h = HeaderIndex::Build(kDelivered);
  EnvelopeOptions options;
  options.receivers = {"mx*.example.net", "store.example.net"};
  options.authserv_id = "MX1.example.net";
  SpfEnvelope e = ExtractEnvelope(h, options);
  ASSERT_TRUE(e.client_ip);
  EXPECT_EQ(e.client_ip->ToString(), "198.41.0.9");
  EXPECT_EQ(e.boundary_index, 1);
  ASSERT_TRUE(e.recorded_result);
  EXPECT_EQ(*e.recorded_result, SpfResult::kSoftFail);
  EXPECT_EQ(e.recorded_by, "authentication-results");

  // With only the store as receiver, the boundary is the hop into the store, private IP and all.
  options.receivers = {"store.example.net"};
  e = ExtractEnvelope(h, options);
  ASSERT_TRUE(e.client_ip);
  EXPECT_EQ(e.client_ip->ToString(), "10.0.0.5");
  EXPECT_EQ(e.helo, "mx1.example.net");

  // Mail between two users of the same provider: the sending host shares the receiver's name but
  // connects from a public address, so it is the boundary.
  const char gmail_to_gmail[] =
      "Return-Path: <bob@gmail.com>\n"
      "Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [2607:f8b0:4864:20::42a])\n"
      "        by mx.google.com with SMTPS id a6si1; Mon, 08 Jan 2024 01:15:02 -0800 (PST)\n"
      "\n";
  HeaderIndex g = HeaderIndex::Build(gmail_to_gmail);
  EnvelopeOptions google;
  google.receivers = {"*.google.com"};
  SpfEnvelope ge = ExtractEnvelope(g, google);
  ASSERT_TRUE(ge.client_ip);
  EXPECT_EQ(ge.client_ip->ToString(), "2607:f8b0:4864:20::42a");
  EXPECT_EQ(ge.helo, "mail-sor-f41.google.com");

  // A receiver pattern that matches nothing leaves no client address.
  options.receivers = {"*.example.com"};
  EXPECT_FALSE(ExtractEnvelope(h, options).client_ip);
}

TEST(Envelope, InternalAddressesAreNotBoundaries) {
  const char msg[] =
      "Return-Path: <>\n"
      "Received: from gw (gw [192.168.1.1]) by relay.example (Postfix) with ESMTP id 1\n"
      "Received: from laptop ([100.64.3.4]) by gw (Postfix) with ESMTP id 2\n"
      "Received: from lo (lo [127.0.0.1]) by gw (Postfix) with ESMTP id 3\n"
      "\n";
  HeaderIndex h = HeaderIndex::Build(msg);
  SpfEnvelope e = ExtractEnvelope(h, EnvelopeOptions{});
  EXPECT_TRUE(e.null_sender);
  EXPECT_EQ(e.mail_from, "");
  EXPECT_FALSE(e.client_ip);
  EXPECT_EQ(e.boundary_index, -1);
}

// Documentation ranges (RFC 5737, RFC 3849) stand for outside senders in examples and in the
// synthetic corpus, so they can be the boundary; only network-internal ranges are skipped.
TEST(Envelope, DocumentationAddressesCanBeTheBoundary) {
  const char msg[] =
      "Received: from gw (gw [192.168.1.1]) by relay.example (Postfix) with ESMTP id 1\n"
      "Received: from test (test [192.0.2.1]) by gw (Postfix) with ESMTP id 3\n"
      "\n";
  HeaderIndex h = HeaderIndex::Build(msg);
  SpfEnvelope e = ExtractEnvelope(h, EnvelopeOptions{});
  ASSERT_TRUE(e.client_ip);
  EXPECT_EQ(e.client_ip->ToString(), "192.0.2.1");
  EXPECT_EQ(e.boundary_index, 1);
}

TEST(Envelope, ReceivedSpfMustBeAboutTheBoundaryClient) {
  // Gmail's layout: Received-SPF and Authentication-Results just below its Received field.
  const char gmail[] =
      "Delivered-To: alice@gmail.com\n"
      "Received: by 2002:a05:6a10:8c1a:b0:4f2:1a2b:3c4d with SMTP id r26csp1;\n"
      "        Mon, 8 Jan 2024 01:15:03 -0800 (PST)\n"
      "Return-Path: <news@sender.example>\n"
      "Received: from out.sender.example (out.sender.example. [198.41.0.9])\n"
      "        by mx.google.com with ESMTPS id a1si2;\n"
      "        Mon, 08 Jan 2024 01:15:02 -0800 (PST)\n"
      "Received-SPF: softfail (google.com: domain of transitioning news@sender.example does not\n"
      " designate 198.41.0.9 as permitted sender) client-ip=198.41.0.9;\n"
      "Authentication-Results: mx.google.com;\n"
      "       spf=softfail (google.com: ...) smtp.mailfrom=news@sender.example\n"
      "\n";
  HeaderIndex h = HeaderIndex::Build(gmail);
  SpfEnvelope e = ExtractEnvelope(h, EnvelopeOptions{});
  ASSERT_TRUE(e.client_ip);
  EXPECT_EQ(e.client_ip->ToString(), "198.41.0.9");
  EXPECT_EQ(e.boundary_by, "mx.google.com");
  ASSERT_TRUE(e.recorded_result);
  EXPECT_EQ(*e.recorded_result, SpfResult::kSoftFail);
  EXPECT_EQ(e.recorded_by, "received-spf");

  // A forwarder's verdict on its own client says nothing about the hop recomputed here.
  const char forwarded[] =
      "Return-Path: <a@sender.example>\n"
      "Received: from fwd.example.org (fwd.example.org [198.41.0.20])\n"
      "\tby mx1.example.net (Postfix) with ESMTPS id 9; Mon, 8 Jan 2024 10:15:02 +0100\n"
      "Received-SPF: pass (fwd.example.org: a@sender.example) client-ip=\"198.41.0.9\";\n"
      "\n";
  h = HeaderIndex::Build(forwarded);
  e = ExtractEnvelope(h, EnvelopeOptions{});
  ASSERT_TRUE(e.client_ip);
  EXPECT_FALSE(e.recorded_result.has_value());
  EXPECT_EQ(
      ClientIpFromReceivedSpf(" Pass (x) envelope-from=a@b; client-ip=2001:db8::5;")->ToString(),
      "2001:db8::5");
  EXPECT_FALSE(ClientIpFromReceivedSpf(" pass (client-ip=1.2.3.4 in a comment)").has_value());
}

TEST(Envelope, ReturnPathForms) {
  bool is_null = true;
  EXPECT_EQ(ParseReturnPath(" <a@example.com>", &is_null), "a@example.com");
  EXPECT_FALSE(is_null);
  EXPECT_EQ(ParseReturnPath(" a@example.com (bounce address)", &is_null), "a@example.com");
  EXPECT_EQ(ParseReturnPath("<@relay.example:a@example.com>", &is_null), "a@example.com");
  EXPECT_EQ(ParseReturnPath(" <>", &is_null), "");
  EXPECT_TRUE(is_null);
  is_null = false;
  EXPECT_EQ(ParseReturnPath(" <MAILER-DAEMON>", &is_null), "");
  EXPECT_TRUE(is_null);
  EXPECT_EQ(ParseReturnPath(" <\"odd local\"@example.com>", &is_null), "\"odd local\"@example.com");
}

TEST(Envelope, RecordedVerdicts) {
  EXPECT_EQ(SpfResultFromReceivedSpf(" SoftFail (mx: transitioning) client-ip=198.41.0.9;"),
            SpfResult::kSoftFail);
  EXPECT_EQ(SpfResultFromReceivedSpf(" unknown (legacy)"), SpfResult::kPermError);
  EXPECT_EQ(SpfResultFromReceivedSpf(" maybe"), std::nullopt);
  EXPECT_EQ(SpfResultFromAuthResults(" mx.example.net 1; spf/1=fail smtp.mailfrom=a.example",
                                     "mx.example.net"),
            SpfResult::kFail);
  EXPECT_EQ(SpfResultFromAuthResults(" mx.example.net (via (nested) comment); dkim=pass;"
                                     " spf=neutral (why) smtp.mailfrom=a.example",
                                     "mx.example.net"),
            SpfResult::kNeutral);
  EXPECT_EQ(SpfResultFromAuthResults(" other.example; spf=pass", "mx.example.net"), std::nullopt);
  EXPECT_EQ(SpfResultFromAuthResults(" mx.example.net; dkim=pass", "mx.example.net"), std::nullopt);
  EXPECT_EQ(SpfResultFromAuthResults(" mx.example.net; spf=pass", ""), std::nullopt);
}

}  // namespace
}  // namespace mv
