// The readings of an mbox message's stored bytes that verify/mbox_quoting_check.h tries, and
// reading those bytes again from the file at the provenance's offset.
#include <gtest/gtest.h>

#include "archive/mbox_quoting.h"
#include "archive_test_util.h"

namespace mv {
namespace {

constexpr std::string_view kStored =
    "Subject: q\n\nFrom a\n>From b\n>>From c\nFromage\n> From d\n>From e";

TEST(MboxQuoting, ReadingsOfTheStoredBytes) {
  EXPECT_EQ(ReadMboxAs(kStored, MboxReading::kMboxrd),
            "Subject: q\n\nFrom a\nFrom b\n>From c\nFromage\n> From d\nFrom e");
  EXPECT_EQ(ReadMboxAs(kStored, MboxReading::kMboxo),
            "Subject: q\n\nFrom a\nFrom b\n>>From c\nFromage\n> From d\nFrom e");
  EXPECT_EQ(ReadMboxAs(kStored, MboxReading::kNone), kStored);
  EXPECT_TRUE(HasFromLines(kStored));
  EXPECT_FALSE(HasFromLines("Subject: q\n\nFromage\n> From d\n"));
  const std::vector<size_t> lines = AmbiguousFromLines(kStored);
  ASSERT_EQ(lines.size(), 2u);  // ">From b" and ">From e"
  EXPECT_EQ(UnquoteLines(kStored, lines, 0b10),
            "Subject: q\n\nFrom a\n>From b\n>>From c\nFromage\n> From d\nFrom e");
  EXPECT_EQ(UnquoteLines(kStored, lines, 0b11), ReadMboxAs(kStored, MboxReading::kMboxo));
}

TEST(MboxQuoting, StoredBytesAreReadAgainFromTheFile) {
  testing::TempDir dir;
  const std::string path = dir / "box";
  testing::WriteFile(path, std::string(testing::kFromLine) + "\nA: 1\n\n>From x\n\n" +
                               testing::kFromLine + "\nA: 2\n\n>From y\n");
  const std::vector<testing::Record> records = testing::ReadPath(path);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].bytes, "A: 2\n\nFrom y\n");  // un-quoted by the reader
  Result<std::string> stored = ReadStoredMboxMessage(records[1].provenance, 1 << 20);
  ASSERT_TRUE(stored.ok()) << stored.error();
  EXPECT_EQ(*stored, "A: 2\n\n>From y\n");
  Provenance moved = records[1].provenance;
  moved.offset += 1;  // not a "From " line there
  EXPECT_FALSE(ReadStoredMboxMessage(moved, 1 << 20).ok());
  EXPECT_FALSE(ReadStoredMboxMessage(records[1].provenance, 3).ok());  // larger than allowed
  moved.source = "-";
  EXPECT_FALSE(ReadStoredMboxMessage(moved, 1 << 20).ok());
}

}  // namespace
}  // namespace mv
