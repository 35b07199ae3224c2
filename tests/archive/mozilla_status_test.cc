// Thunderbird's X-Mozilla-Status/-Status2/-Keys fields: the record's labels and, for a message
// Thunderbird kept only in part, mime "incomplete". Flag values from Mozilla's nsMsgMessageFlags.
#include "archive/mozilla_status.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "archive_test_util.h"
#include "store_test_util.h"

namespace mv {
namespace {

using Labels = std::vector<std::string>;

TEST(MozillaStatus, FlagsBecomeImapStyleLabels) {
  EXPECT_EQ(MozillaStatusLabels(0x0001, 0), (Labels{"\\Seen"}));
  EXPECT_EQ(MozillaStatusLabels(0x0000, 0), Labels{});
  EXPECT_EQ(MozillaStatusLabels(0x1007, 0),
            (Labels{"\\Seen", "\\Answered", "\\Flagged", "$Forwarded"}));
  EXPECT_EQ(MozillaStatusLabels(0x0009, 0), (Labels{"\\Seen", "\\Deleted"}));  // not compacted
  EXPECT_EQ(MozillaStatusLabels(0x0010, 0x00200000), (Labels{"\\Deleted"}));   // HasRe: no label
}

TEST(MozillaStatus, ThunderbirdMboxMessages) {
  testing::TempDir dir;
  const std::string path = dir / "Inbox";
  testing::WriteFile(path,
                     "From - Mon Jan  1 10:00:00 2024\n"
                     "X-Mozilla-Status: 0009\nX-Mozilla-Status2: 00000000\n"
                     "X-Mozilla-Keys: $label1 work                  \n"
                     "From: a@example.org\nSubject: deleted\n\nbody\n\n"
                     "From - Mon Jan  1 10:00:00 2024\n"
                     "X-Mozilla-Status: 1003\nX-Mozilla-Status2: 00200000\n"
                     "From: a@example.org\nSubject: answered\n\n"
                     "X-Mozilla-Status: 0004\n\n"  // in the body: not the message's state
                     "From - Mon Jan  1 10:00:00 2024\n"
                     "From: a@example.org\nSubject: partial\nX-Mozilla-Status: 0401\n\nstart\n\n"
                     "From - Mon Jan  1 10:00:00 2024\n"
                     "X-Mozilla-Status: zz\nX-Mozilla-Status2: 123456789\n"
                     "From: a@example.org\nSubject: malformed\n\nbody\n\n"
                     "From - Mon Jan  1 10:00:00 2024\n"
                     "From: a@example.org\nSubject: none\n\nbody\n");
  const std::vector<testing::StoreRecord> records = testing::ReadStore({path});
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0].provenance.labels, (Labels{"\\Seen", "\\Deleted", "$label1", "work"}));
  EXPECT_EQ(records[1].provenance.labels,
            (Labels{"\\Seen", "\\Answered", "$Forwarded", "\\Deleted"}));
  EXPECT_EQ(records[2].provenance.labels, (Labels{"\\Seen"}));
  EXPECT_EQ(records[2].provenance.mime, "incomplete");
  EXPECT_NE(records[2].store_warning.find("Partial"), std::string::npos);
  EXPECT_TRUE(records[3].provenance.labels.empty());
  EXPECT_EQ(records[3].provenance.mime, "original");
  EXPECT_TRUE(records[4].provenance.labels.empty());
  for (size_t i : {0, 1, 3, 4}) EXPECT_TRUE(records[i].store_warning.empty()) << i;
}

TEST(MozillaStatus, NetscapeSampleStatusAtTheEndOfTheHeader) {
  // Netscape 3 wrote X-Mozilla-Status last in the header; every value in the sample has Read set.
  const std::vector<testing::StoreRecord> records = testing::ReadStore(
      {testing::kSamples + "/mbox-thunderbird/mimekit__content-length.mbox.txt"});
  ASSERT_EQ(records.size(), 29u);  // see ThunderbirdFolders.MboxBesideMsfIndexes
  size_t with_status = 0;
  for (const testing::StoreRecord& r : records) {
    if (testing::FieldValue(r.bytes, "X-Mozilla-Status").empty()) continue;
    ++with_status;
    const Labels& l = r.provenance.labels;
    EXPECT_NE(std::find(l.begin(), l.end(), "\\Seen"), l.end()) << r.provenance.offset;
    EXPECT_EQ(r.provenance.mime, "original");
  }
  EXPECT_EQ(with_status, 28u);  // 28 fields, one in each message but one
}

}  // namespace
}  // namespace mv
