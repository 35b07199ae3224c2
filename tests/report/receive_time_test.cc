// The receive time a record shows when the store kept none: the topmost Received field's date.
// Expected times are from Python's email.utils.parsedate_tz, not from our date parser.
#include "report/receive_time.h"

#include <gtest/gtest.h>

#include <string>

#include "report/json_lines.h"
#include "report/message_record.h"

namespace mv {
namespace {

constexpr std::string_view kMessage =
    "Received: from mx2.example.org by mx.example.net with ESMTP id 2;\r\n"
    "\tTue, 02 Jan 2024 03:04:05 -0600\r\n"
    "Received: from a.example.org by mx2.example.org; Mon, 01 Jan 2024 10:00:05 +0000\r\n"
    "Date: Mon, 01 Jan 2024 09:00:00 +0000\r\n"
    "Subject: hop\r\n\r\nbody\r\n";

MessageRecord RecordFor(std::string_view text, const Provenance& provenance) {
  RawMessage m;
  auto owned = std::make_shared<std::string>(text);
  m.buffer = owned;
  m.bytes = *owned;
  m.provenance = provenance;
  MessageRecord r;
  FillBasicFields(m, HeaderIndex::Build(m.bytes), &r);
  return r;
}

TEST(ReceiveTime, TopmostReceivedFieldWhenTheStoreKeptNone) {
  Provenance p;
  p.source = "box.mbox";
  MessageRecord r = RecordFor(kMessage, p);
  ASSERT_TRUE(r.provenance.received_at.has_value());
  EXPECT_EQ(*r.provenance.received_at, 1704186245);  // the last hop, not the first
  EXPECT_EQ(r.provenance.received_at_source, "received-header");
  std::string line;
  AppendJsonLine(r, &line);
  EXPECT_NE(line.find(R"("received_at":1704186245,"received_at_source":"received-header")"),
            std::string::npos)
      << line;
}

TEST(ReceiveTime, TheStoresOwnTimeIsKept) {
  Provenance p;
  p.source = "1.emlx";
  p.received_at = 1700000000;
  p.received_at_source = "plist";
  MessageRecord r = RecordFor(kMessage, p);
  EXPECT_EQ(r.provenance.received_at, 1700000000);
  EXPECT_EQ(r.provenance.received_at_source, "plist");
}

TEST(ReceiveTime, NoReceivedFieldOrNoDateInIt) {
  Provenance p;
  EXPECT_FALSE(RecordFor("Subject: x\r\n\r\nbody\r\n", p).provenance.received_at.has_value());
  MessageRecord r = RecordFor("Received: from a by b with SMTP\r\nSubject: x\r\n\r\nb\r\n", p);
  EXPECT_FALSE(r.provenance.received_at.has_value());
  EXPECT_TRUE(r.provenance.received_at_source.empty());
  EXPECT_FALSE(ReceivedFieldTime("from a by b; not a date").has_value());
  EXPECT_EQ(ReceivedFieldTime("from a (x; y) by b; Mon, 01 Jan 2024 10:00:05 +0000"), 1704103205);
}

}  // namespace
}  // namespace mv
