#include "spf/received.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

struct Sample {
  const char* server;
  const char* value;
  const char* ip;
  const char* helo;
  const char* rdns;
  const char* by;
  const char* protocol;
};

// Sample headers in the layouts each server writes (folding as they fold).
const Sample kSamples[] = {
    {"postfix",
     " from mail-ej1-f54.google.com (mail-ej1-f54.google.com [209.85.218.54])\r\n"
     "\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits)\r\n"
     "\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\r\n"
     "\t(No client certificate requested)\r\n"
     "\tby mx.example.net (Postfix) with ESMTPS id 4T2bXk3Zt1z9sW5\r\n"
     "\tfor <alice@example.net>; Mon,  8 Jan 2024 10:15:02 +0100 (CET)",
     "209.85.218.54", "mail-ej1-f54.google.com", "mail-ej1-f54.google.com", "mx.example.net",
     "ESMTPS"},
    {"postfix-ipv6-literal-helo",
     " from [192.168.1.20] (unknown [IPv6:2a02:8071:5e1:4c00::1a2b])\n"
     "\tby smtp.example.org (Postfix) with ESMTPSA id 8A1B2C3D4E\n"
     "\tfor <carol@example.org>; Tue,  9 Jan 2024 11:00:00 +0100 (CET)",
     "2a02:8071:5e1:4c00::1a2b", "[192.168.1.20]", "", "smtp.example.org", "ESMTPSA"},
    {"exim-no-rdns",
     " from [81.2.69.142] (helo=workstation.example.co.uk)\n"
     "\tby mx1.example.com with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384\n"
     "\t(Exim 4.96)\n"
     "\t(envelope-from <bob@example.co.uk>)\n"
     "\tid 1rMqZt-0004Ab-2K\n"
     "\tfor alice@example.com; Tue, 09 Jan 2024 08:01:44 +0000",
     "81.2.69.142", "workstation.example.co.uk", "", "mx1.example.com", "esmtps"},
    {"exim-rdns-port",
     " from mail.example.co.uk ([81.2.69.160]:51244 helo=smtp.example.co.uk)\n"
     "\tby mx1.example.com with esmtp (Exim 4.94.2)\n"
     "\t(envelope-from <bob@example.co.uk>)\n"
     "\tid 1rMqZt-0004Ab-3L; Tue, 09 Jan 2024 08:01:44 +0000",
     "81.2.69.160", "smtp.example.co.uk", "mail.example.co.uk", "mx1.example.com", "esmtp"},
    {"exim-helo-equals-rdns",
     " from mail.example.co.uk ([81.2.69.161])\n"
     "\tby mx2.example.com with esmtp (Exim 4.96) id 1rMqZt-0004Ab-4M;\n"
     "\tTue, 09 Jan 2024 08:01:45 +0000",
     "81.2.69.161", "mail.example.co.uk", "", "mx2.example.com", "esmtp"},
    {"gmail",
     " from mail-sor-f41.google.com (mail-sor-f41.google.com. [2607:f8b0:4864:20::42a])\n"
     "        by mx.google.com with SMTPS id a640c23a62f3a-a2c8a1b2c3dsor1234567ejb.12.2024.01.08\n"
     "        for <alice@gmail.com>\n"
     "        (Google Transport Security);\n"
     "        Mon, 08 Jan 2024 01:15:02 -0800 (PST)",
     "2607:f8b0:4864:20::42a", "mail-sor-f41.google.com", "mail-sor-f41.google.com",
     "mx.google.com", "SMTPS"},
    {"exchange-internal",
     " from AM0PR02MB1234.eurprd02.prod.outlook.com (2603:10a6:208:12b::15)\r\n"
     " by AS8PR02MB5678.eurprd02.prod.outlook.com (2603:10a6:20b:3f1::9) with\r\n"
     " Microsoft SMTP Server (version=TLS1_2,\r\n"
     " cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7159.16; Mon, 8 Jan\r\n"
     " 2024 09:15:03 +0000",
     "2603:10a6:208:12b::15", "AM0PR02MB1234.eurprd02.prod.outlook.com", "",
     "AS8PR02MB5678.eurprd02.prod.outlook.com", "Microsoft"},
    {"exchange-online-frontend",
     " from mail.contoso.example (40.92.18.55) by\r\n"
     " DB5EUR03FT012.mail.protection.outlook.com (10.152.20.161) with Microsoft SMTP\r\n"
     " Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n"
     " 15.20.7181.13 via Frontend Transport; Mon, 8 Jan 2024 09:15:02 +0000",
     "40.92.18.55", "mail.contoso.example", "", "DB5EUR03FT012.mail.protection.outlook.com",
     "Microsoft"},
    {"qmail",
     " from unknown (HELO mail.example.org) (198.41.0.4)\n"
     "  by mx.example.com with SMTP; 8 Jan 2024 10:15:02 -0000",
     "198.41.0.4", "mail.example.org", "", "mx.example.com", "SMTP"},
    {"qmail-authenticated",
     " from host-5.example.org (HELO relay.example.org) (bob@198.41.0.5)\n"
     "  by smtp.example.com with ESMTPA; 8 Jan 2024 10:15:03 -0000",
     "198.41.0.5", "relay.example.org", "host-5.example.org", "smtp.example.com", "ESMTPA"},
    {"sendmail",
     " from relay.example.org (relay.example.org [193.0.6.139])\n"
     "\tby mail.example.com (8.15.2/8.15.2) with ESMTPS id 408AF2aB012345\n"
     "\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)\n"
     "\tfor <alice@example.com>; Mon, 8 Jan 2024 10:15:02 +0100",
     "193.0.6.139", "relay.example.org", "relay.example.org", "mail.example.com", "ESMTPS"},
    {"sendmail-may-be-forged",
     " from helo.example (root@host-193-0-6-140.isp.example [193.0.6.140] (may be forged))\n"
     "\tby mail.example.com (8.17.1/8.17.1) with ESMTP id 408AF2aC012346;\n"
     "\tMon, 8 Jan 2024 10:15:04 +0100",
     "193.0.6.140", "helo.example", "host-193-0-6-140.isp.example", "mail.example.com", "ESMTP"},
};

TEST(ReceivedParser, ReadsEachServersLayout) {
  for (const Sample& s : kSamples) {
    ReceivedHop hop;
    ASSERT_TRUE(ParseReceived(s.value, &hop)) << s.server;
    EXPECT_TRUE(hop.has_from) << s.server;
    ASSERT_TRUE(hop.ip.has_value()) << s.server;
    EXPECT_EQ(hop.ip->ToString(), s.ip) << s.server;
    EXPECT_EQ(hop.helo, s.helo) << s.server;
    EXPECT_EQ(hop.rdns, s.rdns) << s.server;
    EXPECT_EQ(hop.by, s.by) << s.server;
    EXPECT_EQ(hop.protocol, s.protocol) << s.server;
  }
}

TEST(ReceivedParser, HopsWithoutAClientAddress) {
  ReceivedHop hop;
  ASSERT_TRUE(
      ParseReceived(" by 2002:a05:6a10:8c1a:b0:4f2:1a2b:3c4d with SMTP id r26csp123456pxe;\n"
                    "        Mon, 8 Jan 2024 01:15:03 -0800 (PST)",
                    &hop));
  EXPECT_FALSE(hop.has_from);
  EXPECT_EQ(hop.by, "2002:a05:6a10:8c1a:b0:4f2:1a2b:3c4d");
  EXPECT_FALSE(
      ParseReceived(" (qmail 12345 invoked from network); 8 Jan 2024 10:15:02 -0000", &hop));
  ASSERT_TRUE(ParseReceived(" from userid 1000 by host.example.com with local; 8 Jan 2024", &hop));
  EXPECT_FALSE(hop.ip.has_value());
  // An Exim helo= that is itself a literal must not be taken for the client address.
  ASSERT_TRUE(
      ParseReceived(" from [81.2.69.142] (helo=[10.0.0.7]) by mx1.example.com with esmtp", &hop));
  EXPECT_EQ(hop.ip->ToString(), "81.2.69.142");
  EXPECT_EQ(hop.helo, "[10.0.0.7]");
}

// Comments nest, a quoted-pair hides a parenthesis, and a comment left open runs to the end of the
// field; the from-clause is everything between "from" and the next clause.
TEST(ReceivedParser, CommentsNestEscapeAndMayBeLeftOpen) {
  ReceivedHop hop;
  ASSERT_TRUE(
      ParseReceived(" from h.example (note \\) (inner) [192.0.2.7]) (x)\r\n"
                    "\tby mx.example.net with ESMTP id 1; Mon, 8 Jan 2024 10:15:02 +0100",
                    &hop));
  EXPECT_EQ(hop.from_name, "h.example");
  EXPECT_EQ(hop.helo, "h.example");
  ASSERT_TRUE(hop.ip.has_value());
  EXPECT_EQ(hop.ip->ToString(), "192.0.2.7");
  EXPECT_EQ(hop.by, "mx.example.net");
  EXPECT_EQ(hop.protocol, "ESMTP");
  ASSERT_TRUE(ParseReceived(" from h.example (open [192.0.2.8] by mx.example.net", &hop));
  ASSERT_TRUE(hop.ip.has_value());
  EXPECT_EQ(hop.ip->ToString(), "192.0.2.8");
  EXPECT_EQ(hop.by, "");  // inside the comment
  ASSERT_TRUE(ParseReceived(" from a.example by b.example from c.example (d [192.0.2.9])", &hop));
  EXPECT_EQ(hop.from_name, "a.example");
  EXPECT_FALSE(hop.ip.has_value());  // the second "from" is not a from-clause
}

// Only the first from-, by- and with-clause count; what follows them changes nothing.
TEST(ReceivedParser, LaterClausesAreIgnored) {
  ReceivedHop hop;
  ASSERT_TRUE(ParseReceived(
      " from a.example (a.example [192.0.2.1]) by b.example with SMTP from c.example "
      "(c.example [192.0.2.2]) by d.example with ESMTP helo=x.example; Mon, 8 Jan 2024",
      &hop));
  EXPECT_EQ(hop.from_name, "a.example");
  EXPECT_EQ(hop.ip->ToString(), "192.0.2.1");
  EXPECT_EQ(hop.helo, "a.example");
  EXPECT_EQ(hop.by, "b.example");
  EXPECT_EQ(hop.protocol, "SMTP");
  // "with" before "by": the from-clause ends at "with", the by-clause is still read.
  ASSERT_TRUE(ParseReceived(" from a.example with LMTP by b.example ([192.0.2.3])", &hop));
  EXPECT_FALSE(hop.ip.has_value());
  EXPECT_EQ(hop.by, "b.example");
  EXPECT_EQ(hop.protocol, "LMTP");
}

TEST(ReceivedParser, GlobsMatchHostNamesWithoutCase) {
  EXPECT_TRUE(HostMatchesGlob("*.example.net", "MX1.Example.NET"));
  EXPECT_TRUE(HostMatchesGlob("mx?.example.net", "mx2.example.net"));
  EXPECT_FALSE(HostMatchesGlob("mx?.example.net", "mx12.example.net"));
  EXPECT_TRUE(HostMatchesGlob("*", "anything"));
  EXPECT_FALSE(HostMatchesGlob("*.example.net", "example.org"));
  EXPECT_TRUE(HostMatchesGlob("*.prod.outlook.com", "AS8PR02MB5678.eurprd02.prod.outlook.com"));
}

}  // namespace
}  // namespace mv
