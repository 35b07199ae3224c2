// Damaged Outlook files: a truncated or byte-flipped PST/OST or .msg must give records (an input
// error for what cannot be read) and let the run go on to the next input, never crash or hang
// (ctest's timeout catches a hang). libpff and libolecf do the parsing; these inputs check that the
// readers survive whatever they report.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "archive_test_util.h"

namespace mv {
namespace {

using testing::ReadFile;
using testing::WriteFile;

const char* kNext = "From: next@example.org\r\nSubject: after the damaged store\r\n\r\nbody\r\n";

std::string Sample(const std::string& rel) {
  return std::string(MV_TEST_DATA) + "/archive/samples/" + rel;
}

// Reads `damaged` then a good .eml: whatever the damage, the .eml must come out last and intact.
std::vector<testing::Record> ReadThenNext(const testing::TempDir& dir, const std::string& damaged) {
  WriteFile(dir / "damaged", damaged);
  WriteFile(dir / "next.eml", kNext);
  auto records = testing::ReadAll({InputSpec{dir / "damaged"}, InputSpec{dir / "next.eml"}});
  EXPECT_FALSE(records.empty());
  if (!records.empty()) {
    EXPECT_EQ(records.back().bytes, kNext);
  }
  return records;
}

TEST(OutlookRobustness, TruncatedPstIsAnInputError) {
  const std::string pst = ReadFile(Sample("pst/tghanem-pst__user1@test.lab.pst"));
  testing::TempDir dir;
  for (size_t size : {size_t{16}, size_t{512}, size_t{4096}, pst.size() / 4, pst.size() / 2}) {
    SCOPED_TRACE(size);
    const auto records = ReadThenNext(dir, pst.substr(0, size));
    bool reported = false;
    for (size_t k = 0; k + 1 < records.size(); ++k) {
      reported = reported || records[k].input_error || !records[k].read_error.empty();
      if (records[k].input_error) {
        EXPECT_EQ(records[k].read_error.rfind(dir / "damaged" + ": ", 0), 0u);
      }
    }
    EXPECT_TRUE(reported) << "a truncated store read without complaint";
  }
}

TEST(OutlookRobustness, OnlyTheMagicIsAnInputErrorSayingWhy) {
  testing::TempDir dir;
  std::string fake("!BDN\0\0\0\0SM\x17\0", 12);
  fake.resize(600, 'x');
  const auto records = ReadThenNext(dir, fake);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].input_error);
  EXPECT_EQ(records[0].provenance.source_format, "pst");
  EXPECT_NE(records[0].read_error.find("cannot open pst"), std::string::npos)
      << records[0].read_error;
}

TEST(OutlookRobustness, ByteFlippedStoresEnd) {
  std::mt19937 rng(16);
  testing::TempDir dir;
  for (const char* name :
       {"pst/tghanem-pst__user1@test.lab.pst", "pst/hughbe-pstreader__backup.pst",
        "msg/poi__example_received_unicode.msg",
        "msg/outlook-message-parser__nested simple mail.msg"}) {
    const std::string original = ReadFile(Sample(name));
    for (int round = 0; round < 12; ++round) {
      SCOPED_TRACE(std::string(name) + " round " + std::to_string(round));
      std::string damaged = original;
      // Keep the magic so the store reader, not the single-message reader, gets the file.
      std::uniform_int_distribution<size_t> at(16, damaged.size() - 1);
      for (int k = 0; k < 8 << (round % 4); ++k) damaged[at(rng)] ^= static_cast<char>(rng() | 1);
      const auto records = ReadThenNext(dir, damaged);
      EXPECT_LT(records.size(), 200u);
    }
  }
}

TEST(OutlookRobustness, TruncatedMsgIsAnInputError) {
  const std::string msg = ReadFile(Sample("msg/poi__example_received_unicode.msg"));
  testing::TempDir dir;
  const auto records = ReadThenNext(dir, msg.substr(0, 700));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].input_error || !records[0].read_error.empty());
  EXPECT_EQ(records[0].provenance.source_format, "msg");
}

TEST(OutlookRobustness, APasswordedPstIsReadBecauseThePasswordProtectsNothing) {
  // Outlook's "PST password" is a CRC in property 0x67FF; the data are not encrypted. pffinfo
  // (independent of our reader) confirms the sample has one set.
  const std::string path = Sample("pst/java-libpst__passworded.pst");
  testing::TempDir dir;
  const std::string info = dir / "pffinfo.txt";
  ASSERT_EQ(std::system(("pffinfo '" + path + "' > '" + info + "' 2>&1").c_str()), 0);
  EXPECT_NE(ReadFile(info).find("Password checksum:\t0x"), std::string::npos) << ReadFile(info);
  // Opened and walked: no input error, and the store is followed by the next input as usual.
  const auto records = ReadThenNext(dir, ReadFile(path));
  for (const auto& r : records) EXPECT_FALSE(r.input_error) << r.read_error;
  EXPECT_EQ(records.size(), 1u) << "the sample holds no mail item, only the next input's message";
}

// Outlook for Mac archives keep no header block: one input error saying so, not a garbage record.
// The ZIPs are written by Python's zipfile (ZIP64 too, as Outlook for Mac writes), independent of
// our detection; an ordinary ZIP of mail is not taken for one.
TEST(OutlookRobustness, AnOlmArchiveIsAnInputErrorSayingWhyNothingCanBeVerified) {
  testing::TempDir dir;
  const std::string olm = dir / "Archive.olm", zip = dir / "mail.zip";
  const std::string cmd =
      "/usr/bin/python3 -c 'import sys, zipfile\n"
      "with zipfile.ZipFile(sys.argv[1], \"w\", allowZip64=True) as z:\n"
      "    z.writestr(\"Categories.xml\", \"<categories/>\")\n"
      "    with z.open(\"Local/com.microsoft.__Messages/Inbox/message_00000.xml\", \"w\",\n"
      "                force_zip64=True) as f:\n"
      "        f.write(b\"<emails><email><OPFMessageCopySubject>Hi</OPFMessageCopySubject>"
      "</email></emails>\")\n"
      "with zipfile.ZipFile(sys.argv[2], \"w\") as z:\n"
      "    z.writestr(\"a.eml\", \"From: a@example.org\\r\\n\\r\\nbody\\r\\n\")' '" +
      olm + "' '" + zip + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;

  auto records = testing::ReadAll({InputSpec{olm}, InputSpec{zip}});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].input_error);
  EXPECT_EQ(records[0].provenance.source_format, "olm");
  EXPECT_EQ(records[0].read_error.rfind(olm + ": Outlook for Mac archive (.olm)", 0), 0u)
      << records[0].read_error;
  EXPECT_NE(records[0].read_error.find("no internet header block"), std::string::npos);
  // The plain ZIP is no Outlook file: read as before (one message, not an olm input error).
  EXPECT_FALSE(records[1].input_error);
  EXPECT_NE(records[1].provenance.source_format, "olm");
}

}  // namespace
}  // namespace mv
