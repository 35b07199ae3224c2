// mbox splitting through the public ArchiveReader: boundaries, line endings, the mboxrd/mboxo/
// mboxcl2 dialects, messages spanning read chunks, oversized messages.
#include <gtest/gtest.h>

#include "archive/mbox_splitter.h"
#include "archive_test_util.h"

namespace mv {
namespace {

using testing::ReadPath;
using testing::Record;
using testing::TempDir;
using testing::WriteFile;

std::vector<std::string> Bytes(const std::vector<Record>& records) {
  std::vector<std::string> out;
  for (const Record& r : records) {
    EXPECT_FALSE(r.input_error) << r.read_error;
    EXPECT_EQ(r.read_error, "");
    out.push_back(r.bytes);
  }
  return out;
}

TEST(Mbox, SplitsOnFromLinesAfterEmptyLines) {
  TempDir dir;
  std::string data =
      "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\nbody one\n\n"
      "From b@x Mon Jan  1 00:00:00 2024\nSubject: two\n\nbody two\nFrom not a separator\n\n"
      "From c@x Mon Jan  1 00:00:00 2024\nSubject: three\n\nbody three\n";
  WriteFile(dir / "box", data);
  std::vector<Record> r = ReadPath(dir / "box");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].bytes, "Subject: one\n\nbody one\n");
  EXPECT_EQ(r[1].bytes, "Subject: two\n\nbody two\nFrom not a separator\n");
  EXPECT_EQ(r[2].bytes, "Subject: three\n\nbody three\n");
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r[i].provenance.index, i);
    EXPECT_EQ(r[i].provenance.source, dir / "box");
    EXPECT_EQ(data.compare(r[i].provenance.offset, 5, "From "), 0);
  }
  EXPECT_EQ(r[0].provenance.offset, 0u);
  EXPECT_EQ(r[1].provenance.offset, data.find("From b@x"));
  EXPECT_EQ(r[2].provenance.offset, data.find("From c@x"));
  EXPECT_EQ(r[0].provenance.size, r[0].bytes.size());
}

TEST(Mbox, CrlfFile) {
  TempDir dir;
  std::vector<std::string> msgs = {"Subject: one\r\n\r\nbody\r\n",
                                   "Subject: two\r\n\r\nb2\r\n\r\n"};
  WriteFile(dir / "box", testing::WriteMboxrd(msgs, "\r\n"));
  EXPECT_EQ(Bytes(ReadPath(dir / "box")), msgs);
}

TEST(Mbox, LastMessageWithoutFinalNewline) {
  TempDir dir;
  WriteFile(dir / "box", "From a\nS: 1\n\nx\n\nFrom b\nS: 2\n\nno newline");
  EXPECT_EQ(Bytes(ReadPath(dir / "box")),
            (std::vector<std::string>{"S: 1\n\nx\n", "S: 2\n\nno newline"}));
}

TEST(Mbox, EmptyFileHasNoMessages) {
  TempDir dir;
  WriteFile(dir / "box", "");
  ArchiveReader reader({InputSpec{dir / "box"}});
  EXPECT_TRUE(testing::ReadAll(&reader).empty());
  EXPECT_EQ(reader.stats().messages, 0u);
  EXPECT_EQ(reader.stats().input_errors, 0u);
}

TEST(Mbox, EmptyMessagesAndFromLineAtEof) {
  TempDir dir;
  WriteFile(dir / "box", "From a\n\nFrom b\nFrom c\n\nFrom d");
  EXPECT_EQ(Bytes(ReadPath(dir / "box")), (std::vector<std::string>{"", "From c\n", ""}));
}

TEST(Mbox, FileNotStartingWithFromIsOneMessageByDefault) {
  TempDir dir;
  std::string data = "Subject: hi\n\nbody\n\nFrom x\nSubject: 2\n\n";
  WriteFile(dir / "mail.eml", data);
  EXPECT_EQ(Bytes(ReadPath(dir / "mail.eml")), std::vector<std::string>{data});
}

TEST(Mbox, ForcedMboxReportsBytesBeforeFirstSeparator) {
  TempDir dir;
  WriteFile(dir / "box", "garbage\nFrom not-sep\n\nFrom a\nS: 1\n\nx\n");
  ArchiveOptions options;
  options.file_format = FileFormat::kMbox;
  ArchiveReader reader({InputSpec{dir / "box"}}, options);
  std::vector<Record> r = testing::ReadAll(&reader);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].input_error);
  EXPECT_NE(r[0].read_error.find("22 bytes before the first"), std::string::npos)
      << r[0].read_error;
  EXPECT_EQ(r[0].read_error.rfind(dir / "box: ", 0), 0u);
  EXPECT_FALSE(r[1].input_error);
  EXPECT_EQ(r[1].bytes, "S: 1\n\nx\n");
  EXPECT_EQ(r[1].provenance.index, 0u);
  EXPECT_EQ(reader.stats().messages, 1u);
  EXPECT_EQ(reader.stats().input_errors, 1u);
  ASSERT_EQ(reader.failed_inputs().size(), 1u);
}

TEST(Mbox, MboxrdUnquotesOneLevel) {
  TempDir dir;
  WriteFile(
      dir / "box",
      "From a\n>From x\nS: 1\n\n>From body\n>>From two\n> From no\n>>>From three\nFrom one\n");
  EXPECT_EQ(Bytes(ReadPath(dir / "box")),
            std::vector<std::string>{
                "From x\nS: 1\n\nFrom body\n>From two\n> From no\n>>From three\nFrom one\n"});
}

TEST(Mbox, MboxoLeavesQuotingAlone) {
  TempDir dir;
  std::string body = "S: 1\n\n>From body\n>>From two\n";
  WriteFile(dir / "box", "From a\n" + body + "\nFrom b\nS: 2\n\n");
  ArchiveOptions options;
  options.mbox_variant = MboxVariant::kMboxo;
  EXPECT_EQ(Bytes(ReadPath(dir / "box", options)), (std::vector<std::string>{body, "S: 2\n"}));
}

TEST(Mbox, MboxrdRoundTripGivesOriginalBytes) {
  TempDir dir;
  std::vector<std::string> msgs = {
      "Subject: a\n\nFrom the start\n\nFrom after empty line\n>From quoted\n>>From deeper\n",
      ">From first line\nSubject: b\n\nbody\n\n\n",  // ends in empty lines of its own
      "Subject: c\n\nFrom\nFrom \n>From \n",
      // Quotes near the start (compacted rightwards) and near the end (leftwards).
      ">From a\n>>From b\nS: d\n\n" + std::string(500, 'x') + "\n",
      "S: e\n\n" + std::string(500, 'y') + "\n>From z\nFrom w\n",
      "S: f\n\n>From 1\n" + std::string(300, 'z') + "\n>>From 2\n" + std::string(300, 'z') +
          "\nFrom 3\n",
  };
  WriteFile(dir / "box", testing::WriteMboxrd(msgs));
  for (MboxVariant v : {MboxVariant::kAuto, MboxVariant::kMboxrd}) {
    ArchiveOptions options;
    options.mbox_variant = v;
    EXPECT_EQ(Bytes(ReadPath(dir / "box", options)), msgs);
  }
}

TEST(Mbox, Mboxcl2RoundTripGivesOriginalBytes) {
  TempDir dir;
  std::vector<std::string> msgs = {
      "Subject: a\n\nFrom unquoted after header\n\nFrom unquoted after empty line\n>From kept\n",
      "Subject: b\n\n\nFrom x\n\n",
      "Subject: c\n\nlast\n",
  };
  WriteFile(dir / "box", testing::WriteMboxcl2(msgs));
  std::vector<std::string> expected;
  for (const std::string& m : msgs) expected.push_back(testing::WithContentLength(m));
  for (MboxVariant v : {MboxVariant::kAuto, MboxVariant::kMboxcl2}) {
    ArchiveOptions options;
    options.mbox_variant = v;
    EXPECT_EQ(Bytes(ReadPath(dir / "box", options)), expected);
  }
  // Ignoring Content-Length cuts at the unquoted "From " lines instead.
  ArchiveOptions rd;
  rd.mbox_variant = MboxVariant::kMboxrd;
  EXPECT_GT(ReadPath(dir / "box", rd).size(), msgs.size());
}

TEST(Mbox, WrongContentLengthFallsBackToSeparators) {
  TempDir dir;
  WriteFile(dir / "box",
            "From a\nContent-Length: 3\n\n>From hello\n\nFrom b\nContent-Length: 99999\n\nx\n");
  EXPECT_EQ(Bytes(ReadPath(dir / "box")),
            (std::vector<std::string>{"Content-Length: 3\n\nFrom hello\n",
                                      "Content-Length: 99999\n\nx\n"}));
}

TEST(Mbox, ContentLengthParsing) {
  uint64_t len = 0;
  size_t body = 0;
  EXPECT_TRUE(FindContentLength("A: 1\ncontent-length:  42 \r\n\r\nbody", &len, &body));
  EXPECT_EQ(len, 42u);
  EXPECT_EQ(body, 29u);
  EXPECT_FALSE(FindContentLength("Content-Length: 4x\n\nbody", &len, &body));
  EXPECT_FALSE(FindContentLength("Content-Length: 4\n", &len, &body));          // no body
  EXPECT_FALSE(FindContentLength("A: 1\n\nContent-Length: 4\n", &len, &body));  // in the body
}

// Reading with tiny chunks makes nearly every message span buffers; the result must not change.
TEST(Mbox, ChunkSizeDoesNotChangeResult) {
  TempDir dir;
  std::mt19937 rng(7);
  std::vector<std::string> msgs;
  for (size_t i = 0; i < 200; ++i) msgs.push_back(testing::RandomMessage(rng, i, i % 40));
  for (const char* eol : {"\n", "\r\n"}) {
    std::vector<std::string> expected = msgs;
    if (std::string(eol) == "\r\n") {
      for (std::string& m : expected) {
        std::string crlf;
        for (char c : m) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        m = crlf;
      }
    }
    WriteFile(dir / "box", testing::WriteMboxrd(expected, eol));
    for (size_t chunk : {64, 65, 100, 333, 4096, 1 << 20}) {
      ArchiveOptions options;
      options.chunk_size = chunk;
      std::vector<Record> r = ReadPath(dir / "box", options);
      EXPECT_EQ(Bytes(r), expected) << "chunk " << chunk << " eol size " << std::string(eol).size();
    }
  }
}

TEST(Mbox, OversizedMessageIsSkippedWithError) {
  TempDir dir;
  std::string big = "S: big\n\n" + std::string(5000, 'x') + "\n";  // one long line
  std::vector<std::string> msgs = {"S: 1\n\na\n", big, "S: 3\n\nc\n"};
  WriteFile(dir / "box", testing::WriteMboxrd(msgs));
  ArchiveOptions options;
  options.chunk_size = 256;
  options.max_message_size = 1000;
  ArchiveReader reader({InputSpec{dir / "box"}}, options);
  std::vector<Record> r = testing::ReadAll(&reader);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].bytes, msgs[0]);
  EXPECT_FALSE(r[1].input_error);
  EXPECT_TRUE(r[1].bytes.empty());
  EXPECT_NE(r[1].read_error.find("exceeds the maximum message size"), std::string::npos);
  EXPECT_EQ(r[1].provenance.size, big.size());
  EXPECT_EQ(r[1].provenance.index, 1u);
  EXPECT_EQ(r[2].bytes, msgs[2]);
  EXPECT_EQ(r[2].provenance.index, 2u);
  // Raising the limit reads it.
  options.max_message_size = 10000;
  EXPECT_EQ(Bytes(ReadPath(dir / "box", options)), msgs);
}

TEST(Mbox, MaxMessageSizeIsExact) {
  TempDir dir;
  for (size_t size : {999, 1000, 1001}) {
    for (const char* eol : {"\n", "\r\n"}) {
      std::string m = "S: x" + std::string(eol) + std::string(eol);
      m += std::string(size - m.size() - std::string(eol).size(), '>') + eol;
      ASSERT_EQ(m.size(), size);
      WriteFile(dir / "box", testing::WriteMboxrd({m, "S: next" + std::string(eol)}, eol));
      for (size_t chunk : {64, 256, 4096}) {
        ArchiveOptions options;
        options.chunk_size = chunk;
        options.max_message_size = 1000;
        std::vector<Record> r = ReadPath(dir / "box", options);
        ASSERT_EQ(r.size(), 2u);
        EXPECT_EQ(r[0].bytes, size <= 1000 ? m : "") << size << " chunk " << chunk;
        EXPECT_EQ(r[0].read_error.empty(), size <= 1000) << size << " chunk " << chunk;
        EXPECT_EQ(r[0].provenance.size, size);
        EXPECT_EQ(r[1].bytes, "S: next" + std::string(eol));
      }
    }
  }
}

TEST(Mbox, HugeSingleLineMessageGrowsTheBuffer) {
  TempDir dir;
  std::vector<std::string> msgs = {"S: 1\n\n" + std::string(3 << 20, 'y'), "S: 2\n\nz\n"};
  msgs[0] += "\n";
  WriteFile(dir / "box", testing::WriteMboxrd(msgs));
  ArchiveOptions options;
  options.chunk_size = 64 * 1024;
  EXPECT_EQ(Bytes(ReadPath(dir / "box", options)), msgs);
}

TEST(Mbox, SplitterOverMemorySource) {
  std::string data = testing::WriteMboxrd({"S: 1\n\n>From x\n", "S: 2\n\ny\n"});
  MemorySource source(std::string_view(data).substr(5));
  MboxSplitter splitter(&source, ArchiveOptions{}, std::string_view(data).substr(0, 5));
  RawMessage m;
  ASSERT_EQ(splitter.Next(&m), MboxSplitter::Event::kMessage);
  EXPECT_EQ(m.bytes, "S: 1\n\n>From x\n");
  EXPECT_EQ(m.provenance.size, 15u);
  ASSERT_EQ(splitter.Next(&m), MboxSplitter::Event::kMessage);
  EXPECT_EQ(m.bytes, "S: 2\n\ny\n");
  EXPECT_EQ(splitter.Next(&m), MboxSplitter::Event::kEnd);
}

}  // namespace
}  // namespace mv
