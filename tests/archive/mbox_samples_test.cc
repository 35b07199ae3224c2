// mbox files from public projects whose separators break the RFC 4155 layout: From_ lines that
// follow no empty line, a byte order mark, unquoted "From " body lines (samples/SOURCES.md). The
// expected counts are the upstream tools' own; every reading (mapped or read, small chunks, byte
// ranges) must agree with them.
#include <gtest/gtest.h>

#include "archive/mbox_postmark.h"
#include "archive_test_util.h"
#include "store_test_util.h"

namespace mv {
namespace {

using testing::EnvelopeOf;
using testing::Flatten;
using testing::kSamples;
using testing::ReadPath;
using testing::Record;

std::vector<Record> ReadEveryWay(const std::string& path) {
  const std::vector<Record> whole = ReadPath(path);
  for (bool map : {true, false}) {
    for (size_t chunk : {size_t{64}, size_t{1000}}) {
      for (size_t index_from : {size_t{0}, SIZE_MAX}) {  // the parallel scan, or the reader's
        ArchiveOptions options;
        options.map_files = map;
        options.chunk_size = chunk;
        options.index_windows_from = index_from;
        EXPECT_EQ(Flatten(ReadPath(path, options)), Flatten(whole))
            << path << " map " << map << " chunk " << chunk << " index " << index_from;
      }
    }
  }
  for (const Record& r : whole) {
    EXPECT_FALSE(r.input_error) << r.read_error;
    EXPECT_TRUE(r.read_error.empty()) << r.read_error;
  }
  return whole;
}

std::vector<std::string> Subjects(const std::vector<Record>& records) {
  std::vector<std::string> out;
  for (const Record& r : records) out.push_back(EnvelopeOf(r.bytes).subject);
  return out;
}

TEST(MboxSamples, MailutilsFromLinesWithoutEmptyLineBefore) {
  // The third message follows the second's closing boundary line directly.
  EXPECT_EQ(
      Subjects(ReadEveryWay(kSamples + "/mbox-misc/mailutils__msg.mbox")),
      (std::vector<std::string>{"rfc2046", "nested message", "nested multipart + message/rfc822.",
                                "nested multipart + message/rfc822."}));
  EXPECT_EQ(ReadEveryWay(kSamples + "/mbox-misc/mailutils__mbox2").size(), 5u);
}

TEST(MboxSamples, MimeKitBareFromDashLines) {
  EXPECT_EQ(
      Subjects(ReadEveryWay(kSamples + "/mbox-misc/mimekit__simple.mbox.txt")),
      (std::vector<std::string>{"this'll probably break a lot of mime parsers",
                                "this'll probably break even more mime parsers",
                                "if a mime parser can correctly handle this, I'm impressed"}));
}

TEST(MboxSamples, ByteOrderMarkAndUnquotedFromLines) {
  // MimeKit's TestUnmungedFromLines: 4 messages, separators "From -", "From Russia with love",
  // "From -", "From Russia with love" (the body lines were not quoted and follow empty lines).
  const std::vector<Record> r =
      ReadEveryWay(kSamples + "/mbox-thunderbird/mimekit__unmunged.mbox.txt");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].provenance.offset, 3u);  // after the byte order mark, which is not junk
  EXPECT_EQ(EnvelopeOf(r[0].bytes).subject, "This is a test message with an unmunged From line");
  EXPECT_TRUE(r[1].bytes.starts_with("\nWhat does Thunderbird do?"));
  EXPECT_EQ(EnvelopeOf(r[2].bytes).subject, "Another test message with an unmunged From line");
  EXPECT_TRUE(r[3].bytes.starts_with("Year: 1963\n"));
}

TEST(MboxSamples, ListArchivesAndAsposeExample) {
  const std::string dir = kSamples + "/mbox-misc/ponymail-foal__";
  EXPECT_EQ(ReadEveryWay(dir + "dev_ponymail_apache_org_2020-10.mbox").size(), 1u);
  EXPECT_EQ(ReadEveryWay(dir + "n47hcfdt6z70tqxvnhgn3zrdwqgg36yl.mbox").size(), 1u);
  EXPECT_EQ(ReadEveryWay(dir + "users_ponymail_apache_org_2019-09.mbox").size(), 4u);
  EXPECT_EQ(ReadEveryWay(dir + "users_ponymail_apache_org_2022-01.mbox").size(), 6u);
  EXPECT_EQ(ReadEveryWay(kSamples + "/mbox-thunderbird/aspose-net__ExampleMbox.mbox").size(), 1u);
}

TEST(MboxPostmark, FormsSeenInArchives) {
  for (const char* line : {"From -", "From - ", "From - Mon Jun  3 12:50:27 1996\r",
                           "From gray@example.org Tue Nov 29 13:16:16 2011",
                           "From 1773664405479613283@xxx Tue Aug 08 12:36:29 +0000 2023",
                           "From MAILER-DAEMON Fri, Dec 28 22:18 2001"}) {
    EXPECT_TRUE(LooksLikePostmark(line)) << line;
  }
  for (const char* line : {"From Russia with love", "From the start", "From -10 degrees",
                           "From a Mon Jan 1 2024", "From x Mon Jan 1 12:00:00",
                           "From x Mon Foo 1 12:00:00 2024", "From: a@b.example", "From"}) {
    EXPECT_FALSE(LooksLikePostmark(line)) << line;
  }
}

}  // namespace
}  // namespace mv
