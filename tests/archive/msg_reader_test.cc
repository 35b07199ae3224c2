// The .msg reader against olefile (python3-olefile, msg_expect.py), an independent Compound File
// reader, on the real samples in tests/archive/samples/msg: one record per file with the same
// header block, delivery time and From/Subject/Date; the S/MIME signed message rebuilt from the
// signed entity it keeps; and the Date values the shared collection's SOURCES.md lists for each
// sample.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "archive_test_util.h"
#include "message/header_index.h"

namespace mv {
namespace {

using testing::ReadFile;

std::string Samples() {
  return std::string(MV_TEST_DATA) + "/archive/samples/msg";
}

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (;;) {
    const size_t end = line.find(sep, pos);
    out.push_back(line.substr(pos, end - pos));
    if (end == std::string::npos) return out;
    pos = end + 1;
  }
}

// A field's value unfolded, tabs as spaces and trimmed (as msg_expect.py writes it).
std::string Unfolded(const std::string& message, std::string_view name) {
  const HeaderIndex index = HeaderIndex::Build(message);
  const HeaderField* f = index.First(name);
  if (f == nullptr) return "<none>";
  std::string v;
  for (char c : f->value) {
    if (c != '\r' && c != '\n') v.push_back(c == '\t' ? ' ' : c);
  }
  const size_t b = v.find_first_not_of(' ');
  const size_t e = v.find_last_not_of(' ');
  return b == std::string::npos ? "" : v.substr(b, e - b + 1);
}

TEST(MsgReader, SameAsOlefile) {
  testing::TempDir dir;
  const std::string cmd = "/usr/bin/python3 " + std::string(MV_TEST_DATA) +
                          "/archive/msg_expect.py '" + Samples() + "' '" + dir.path() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const std::vector<std::string> lines = Split(ReadFile(dir / "expect.tsv"), '\n');
  size_t checked = 0;
  for (size_t n = 0; n < lines.size(); ++n) {
    if (lines[n].empty()) continue;
    const std::vector<std::string> col = Split(lines[n], '\t');
    ASSERT_EQ(col.size(), 6u) << lines[n];
    SCOPED_TRACE(col[0]);
    const std::vector<testing::Record> records = testing::ReadPath(Samples() + "/" + col[0]);
    ASSERT_EQ(records.size(), 1u);
    const testing::Record& r = records[0];
    EXPECT_FALSE(r.input_error);
    EXPECT_EQ(r.provenance.source_format, "msg");
    EXPECT_EQ(r.provenance.received_at,
              col[2] == "-" ? std::nullopt : std::optional<int64_t>(std::stoll(col[2])));
    if (col[2] != "-") {
      EXPECT_EQ(r.provenance.received_at_source, "msg-delivery-time");
    }
    if (col[1] == "none") {
      EXPECT_TRUE(r.bytes.empty());
      EXPECT_NE(r.read_error.find("no transport headers"), std::string::npos) << r.read_error;
      ++checked;
      continue;
    }
    EXPECT_TRUE(r.read_error.empty()) << r.read_error;
    EXPECT_EQ(r.provenance.mime, col[1]);
    EXPECT_EQ(r.bytes, ReadFile(dir / (std::to_string(n) + ".eml")));
    EXPECT_EQ(Unfolded(r.bytes, "From"), col[3]);
    EXPECT_EQ(Unfolded(r.bytes, "Subject"), col[4]);
    EXPECT_EQ(Unfolded(r.bytes, "Date"), col[5]);
    ++checked;
  }
  EXPECT_EQ(checked, 14u);
}

// SOURCES.md's Date for every sample with transport headers (read there with its own tooling).
TEST(MsgReader, DatesFromSourcesMd) {
  const std::map<std::string, std::string> table = {
      {"MSGReader__EmailWithMsgAttachment.msg", "Tue, 22 Jul 2025 12:15:09 +0000"},
      {"MSGReader__EmailWithSpecialCharsInSubject.msg", "Wed, 27 Mar 2024 09:14:48 +0000"},
      {"msgreader__Attach sample eml received.msg", "Thu, 4 Dec 2025 13:38:16 +0900"},
      {"msgreader__newOutlook Microsoft Outlook test.msg", "Fri, 26 Sep 2025 10:43:11 +0900"},
      {"msgviewer__20190502_094613_1556783173.7038.msg", "Thu, 2 May 2019 07:28:49 +0000"},
      {"msgviewer__issue 110__test.msg", "Mon, 27 Jun 2022 00:51:05 +0000"},
      {"outlook-message-parser__HTML mail with replyto and attachment and embedded image.msg",
       "Sun, 5 Mar 2017 12:11:31 +0100"},
      {"outlook-message-parser__S_MIME test message signed.msg", "Sat, 27 Apr 2019 18:47:54 +0200"},
      {"outlook-message-parser__nested simple mail.msg", "Mon, 11 Apr 2016 09:17:58 +0000"},
      {"outlook-message-parser__simple reply with CC.msg", "Wed, 18 Dec 2019 11:30:37 +0100"},
      {"poi__bug66335.msg", "Thu, 13 Sep 2018 07:25:24 -0700"},
      {"poi__example_received_regular.msg", "Mon, 11 Jan 2010 16:25:07 +0000 (GMT)"},
      {"poi__example_received_unicode.msg", "Mon, 11 Jan 2010 16:25:07 +0000 (GMT)"},
  };
  for (const auto& [name, date] : table) {
    const std::vector<testing::Record> records = testing::ReadPath(Samples() + "/" + name);
    ASSERT_EQ(records.size(), 1u) << name;
    EXPECT_EQ(Unfolded(records[0].bytes, "Date"), date) << name;
  }
}

TEST(MsgReader, AnsiAndUnicodeSavesOfOneMessageGiveTheSameHeaders) {
  // The same received message saved once with PT_STRING8 and once with PT_UNICODE properties.
  const auto ansi = testing::ReadPath(Samples() + "/poi__example_received_regular.msg");
  const auto unicode = testing::ReadPath(Samples() + "/poi__example_received_unicode.msg");
  ASSERT_EQ(ansi.size(), 1u);
  ASSERT_EQ(unicode.size(), 1u);
  EXPECT_FALSE(ansi[0].bytes.empty());
  EXPECT_EQ(ansi[0].bytes, unicode[0].bytes);
}

TEST(MsgReader, SignedEntityIsTheOriginalMime) {
  const auto r =
      testing::ReadPath(Samples() + "/outlook-message-parser__S_MIME test message signed.msg");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].provenance.mime, "original");
  // The body is the multipart/signed entity: the boundary of the Content-Type, then the signature.
  const HeaderIndex index = HeaderIndex::Build(r[0].bytes);
  EXPECT_NE(index.body().find("--------------ms040609000407030007040103\r\n"), std::string::npos);
  EXPECT_NE(index.body().find("application/pkcs7-signature"), std::string::npos);
}

TEST(MsgReader, ADirectoryOfMsgFilesGivesOneRecordEachInNameOrder) {
  const auto records = testing::ReadPath(Samples());
  ASSERT_EQ(records.size(), 14u);
  for (size_t k = 1; k < records.size(); ++k) {
    EXPECT_LT(records[k - 1].provenance.source, records[k].provenance.source);
  }
}

}  // namespace
}  // namespace mv
