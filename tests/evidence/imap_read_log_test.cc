// ImapReadLog on records shaped as src/imap/imap_input.cc makes them: which input each record is
// counted for (same server, same URL twice, "*", a failed input) and the UID ranges. The live
// reading against Dovecot is evidence_e2e_imap.
#include "evidence/imap_read_log.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

const std::string kServer = "imap://alice@127.0.0.1:10143/";

MessageRecord Message(const std::string& mailbox, uint64_t index, uint32_t uid) {
  MessageRecord r;
  r.provenance.source = kServer + mailbox;
  r.provenance.source_format = "imap";
  r.provenance.folder = mailbox;
  r.provenance.index = index;
  r.provenance.uid = uid;
  r.provenance.uidvalidity = 77;
  return r;
}

// ImapInput::Fail: the input ends; the source is the URL, no folder.
MessageRecord Failure(const std::string& url_mailbox, const std::string& why) {
  MessageRecord r;
  r.provenance.source = kServer + url_mailbox;
  r.provenance.source_format = "imap";
  r.input_error = true;
  r.error = r.provenance.source + ": " + why;
  return r;
}

TEST(ImapReadLog, EachRecordCountsForTheInputThatReadIt) {
  ImapReadLog log({kServer + "INBOX", "archive.mbox", kServer + "*", kServer + "INBOX"});
  MessageRecord file;
  file.provenance.source = "archive.mbox";
  file.provenance.source_format = "mbox";
  std::vector<MessageRecord> records = {
      Message("INBOX", 0, 3), Message("INBOX", 1, 9), file,  // INBOX, then the file
      Message("INBOX", 0, 3), Message("INBOX", 1, 9), Message("Sent", 0, 1),     // "*"
      Message("INBOX", 0, 3), Message("INBOX", 1, 9), Message("INBOX", 2, 12)};  // INBOX again
  log.Add(records);
  const std::vector<ImapInputRead> reads = log.reads();
  ASSERT_EQ(reads.size(), 3u);
  EXPECT_EQ(reads[0].url, kServer + "INBOX");
  ASSERT_EQ(reads[0].mailboxes.size(), 1u);
  EXPECT_EQ(reads[0].mailboxes[0].records, 2u);
  EXPECT_EQ(reads[0].mailboxes[0].first_uid, 3u);
  EXPECT_EQ(reads[0].mailboxes[0].last_uid, 9u);
  EXPECT_EQ(reads[0].mailboxes[0].uidvalidity, 77u);
  ASSERT_EQ(reads[1].mailboxes.size(), 2u);
  EXPECT_EQ(reads[1].mailboxes[0].mailbox, "INBOX");
  EXPECT_EQ(reads[1].mailboxes[0].records, 2u);
  EXPECT_EQ(reads[1].mailboxes[1].mailbox, "Sent");
  EXPECT_EQ(reads[1].mailboxes[1].records, 1u);
  ASSERT_EQ(reads[2].mailboxes.size(), 1u);
  EXPECT_EQ(reads[2].mailboxes[0].records, 3u);
  EXPECT_EQ(reads[2].mailboxes[0].last_uid, 12u);
}

TEST(ImapReadLog, AFailureEndsItsInputAndAnEmptyOneStillNamesItsMailbox) {
  ImapReadLog log({kServer + "INBOX", kServer + "INBOX", kServer + "Empty"});
  std::vector<MessageRecord> records = {Message("INBOX", 0, 5), Failure("INBOX", "connection lost"),
                                        Failure("INBOX", "login failed")};
  log.Add(records);
  const std::vector<ImapInputRead> reads = log.reads();
  ASSERT_EQ(reads.size(), 3u);
  EXPECT_EQ(reads[0].mailboxes[0].records, 1u);
  EXPECT_EQ(reads[0].errors, std::vector<std::string>{kServer + "INBOX: connection lost"});
  EXPECT_EQ(reads[1].mailboxes[0].records, 0u);
  EXPECT_EQ(reads[1].errors, std::vector<std::string>{kServer + "INBOX: login failed"});
  ASSERT_EQ(reads[2].mailboxes.size(), 1u);
  EXPECT_EQ(reads[2].mailboxes[0].mailbox, "Empty");
  EXPECT_FALSE(reads[2].mailboxes[0].uidvalidity.has_value());
  EXPECT_TRUE(reads[2].errors.empty());
}

TEST(ImapReadLog, AnUnparsableUrlIsListedWithWhy) {
  ImapReadLog log({"imap://", "file.eml"});
  const std::vector<ImapInputRead> reads = log.reads();
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].url, "imap://");
  ASSERT_EQ(reads[0].errors.size(), 1u);
  EXPECT_TRUE(reads[0].mailboxes.empty());
}

}  // namespace
}  // namespace mv
