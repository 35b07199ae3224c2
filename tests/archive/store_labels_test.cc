// The labels a directory store gives its messages: an MH folder's sequences (.mh_sequences) and
// the flags in Maildir file names (the forms below are those of mu's and notmuch's test Maildirs).
#include <gtest/gtest.h>

#include "archive/maildir_flags.h"
#include "archive/mh_sequences.h"
#include "archive_test_util.h"
#include "store_test_util.h"

namespace mv {
namespace {

using Labels = std::vector<std::string>;
using testing::kSamples;
using testing::ReadFile;
using testing::ReadStore;
using testing::StoreRecord;
using testing::WriteFile;

TEST(MhSequences, ParsesRangesContinuationsAndSkipsJunk) {
  const std::vector<MhSequence> s =
      ParseMhSequences("unseen: 2-4 7\ncur: 5\r\nurgent: 1 x 9-3\n 10-11\nno colon here\n: 6\n");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].name, "unseen");
  EXPECT_EQ(s[0].ranges, (std::vector<std::pair<uint64_t, uint64_t>>{{2, 4}, {7, 7}}));
  EXPECT_EQ(s[1].ranges, (std::vector<std::pair<uint64_t, uint64_t>>{{5, 5}}));
  // "x" and the reversed "9-3" are skipped; the blank-led line continues "urgent".
  EXPECT_EQ(s[2].ranges, (std::vector<std::pair<uint64_t, uint64_t>>{{1, 1}, {10, 11}}));
  EXPECT_EQ(MhSequenceNames(s, 4), (Labels{"unseen"}));
  EXPECT_EQ(MhSequenceNames(s, 1), (Labels{"urgent"}));
  EXPECT_EQ(MhSequenceNames(s, 6), Labels{});
  EXPECT_TRUE(ParseMhSequences("").empty());
}

TEST(MhSequences, MessagesCarryTheirSequencesAsLabels) {
  testing::TempDir dir;
  for (const char* n : {"1", "2", "3", "4", "5"}) {
    WriteFile(dir / (std::string("inbox/") + n), ReadFile(kSamples + "/mh/mailutils/mbox1/" + n));
  }
  WriteFile(dir / "inbox/.mh_sequences", "unseen: 2-4\ncur: 4\n");
  WriteFile(dir / "inbox/sub/1", ReadFile(kSamples + "/mh/mailutils/mime/1"));  // no sequences
  const std::vector<StoreRecord> records = ReadStore({dir / "inbox"});
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ(records[0].provenance.labels, Labels{});
  EXPECT_EQ(records[1].provenance.labels, (Labels{"unseen"}));
  EXPECT_EQ(records[3].provenance.labels, (Labels{"unseen", "cur"}));
  EXPECT_EQ(records[4].provenance.labels, Labels{});
  EXPECT_EQ(records[5].provenance.labels, Labels{});  // the sub-folder's own (absent) file
}

TEST(MaildirFlags, FileNameFlagsBecomeImapLabels) {
  EXPECT_EQ(MaildirFlagLabels("cur/1220863087.12663_15.mindcrime!2,PS"),
            (Labels{"$Forwarded", "\\Seen"}));
  EXPECT_EQ(MaildirFlagLabels("1382298587.002228:2,"), Labels{});
  EXPECT_EQ(MaildirFlagLabels("special!2,Sabc"), (Labels{"\\Seen"}));  // keywords not named
  EXPECT_EQ(MaildirFlagLabels("1.M2.host:2,DFRST"),
            (Labels{"\\Draft", "\\Flagged", "\\Answered", "\\Seen", "\\Deleted"}));
  EXPECT_EQ(MaildirFlagLabels("new/1700000000.M1P2.host"), Labels{});

  testing::TempDir dir;
  const std::string one = ReadFile(kSamples + "/maildir/mailutils/mbox1/new/" +
                                   std::string("1284628225.M17468P3883Q0.Trurl"));
  WriteFile(dir / "box/cur/1.M1.host:2,RS", one);
  WriteFile(dir / "box/cur/2.M1.host:2,T", one);
  WriteFile(dir / "box/new/3.M1.host", one);
  WriteFile(dir / "box/tmp/.keep", "");
  const std::vector<StoreRecord> records = ReadStore({dir / "box"});
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].provenance.labels, (Labels{"\\Answered", "\\Seen"}));
  EXPECT_EQ(records[1].provenance.labels, (Labels{"\\Deleted"}));
  EXPECT_EQ(records[2].provenance.labels, Labels{});
  EXPECT_EQ(records[2].provenance.source_format, "maildir");
}

}  // namespace
}  // namespace mv
