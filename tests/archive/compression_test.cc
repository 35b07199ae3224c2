// Compressed inputs: each format decoded by magic bytes (not by name), concatenated streams,
// truncated and corrupt streams (messages before the damage, then one input error, then the next
// input). Fixtures are made at run time with the gzip/xz/zstd/bzip2 command-line tools.
#include <gtest/gtest.h>

#include <cstdlib>

#include "archive/decompressing_source.h"
#include "archive_test_util.h"

namespace mv {
namespace {

using testing::ReadAll;
using testing::ReadFile;
using testing::ReadPath;
using testing::Record;
using testing::TempDir;
using testing::WriteFile;

struct Tool {
  const char* name;     // as in error messages
  const char* command;  // compresses stdin to stdout
  size_t magic_size;    // shorter prefixes are not recognised as compressed
};
// bzip2 -1: 100 kB blocks, so a cut stream still holds complete blocks to decode.
const Tool kTools[] = {{"gzip", "gzip -c", 2},
                       {"xz", "xz -c", 6},
                       {"zstd", "zstd -q -c", 4},
                       {"bzip2", "bzip2 -1 -c", 4}};

// Compresses `in` into `out` (file names deliberately carry no format suffix).
void Compress(const Tool& tool, const std::string& in, const std::string& out) {
  std::string cmd = std::string(tool.command) + " < '" + in + "' > '" + out + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

std::vector<std::string> TestMessages(size_t n) {
  std::mt19937 rng(5);
  std::vector<std::string> msgs;
  for (size_t i = 0; i < n; ++i) msgs.push_back(testing::RandomMessage(rng, i, 20 + i % 50));
  return msgs;
}

TEST(Compression, DetectsMagicBytes) {
  EXPECT_EQ(DetectCompression("\x1f\x8b\x08"), Compression::kGzip);
  EXPECT_EQ(DetectCompression(std::string_view("\xfd"
                                               "7zXZ\0",
                                               6)),
            Compression::kXz);
  EXPECT_EQ(DetectCompression("\x28\xb5\x2f\xfd"), Compression::kZstd);
  EXPECT_EQ(DetectCompression("BZh9"), Compression::kBzip2);
  EXPECT_EQ(DetectCompression("BZhx"), Compression::kNone);
  EXPECT_EQ(DetectCompression("From "), Compression::kNone);
  EXPECT_EQ(DetectCompression(""), Compression::kNone);
}

TEST(Compression, EachFormatMboxAndEml) {
  TempDir dir;
  std::vector<std::string> msgs = TestMessages(400);
  WriteFile(dir / "plain", testing::WriteMboxrd(msgs));
  WriteFile(dir / "one.eml", msgs[7]);
  for (const Tool& tool : kTools) {
    SCOPED_TRACE(tool.name);
    Compress(tool, dir / "plain", dir / "box.data");
    Compress(tool, dir / "one.eml", dir / "eml.data");
    ArchiveOptions options;
    options.chunk_size = 8192;
    ArchiveReader reader({InputSpec{dir / "box.data"}, InputSpec{dir / "eml.data"}}, options);
    std::vector<Record> r = ReadAll(&reader);
    ASSERT_EQ(r.size(), msgs.size() + 1);
    for (size_t i = 0; i < msgs.size(); ++i) {
      EXPECT_EQ(r[i].bytes, msgs[i]);
      EXPECT_EQ(r[i].provenance.index, i);
    }
    EXPECT_EQ(r.back().bytes, msgs[7]);
    EXPECT_EQ(reader.stats().input_errors, 0u);
    EXPECT_EQ(reader.stats().messages, msgs.size() + 1);
  }
}

TEST(Compression, ConcatenatedStreams) {
  TempDir dir;
  std::vector<std::string> first = TestMessages(20);
  std::vector<std::string> second = {"S: second\n\nx\n", "S: third\n\ny\n"};
  WriteFile(dir / "a", testing::WriteMboxrd(first));
  WriteFile(dir / "b", testing::WriteMboxrd(second));
  for (const Tool& tool : kTools) {
    SCOPED_TRACE(tool.name);
    Compress(tool, dir / "a", dir / "a.c");
    Compress(tool, dir / "b", dir / "b.c");
    WriteFile(dir / "ab.c", ReadFile(dir / "a.c") + ReadFile(dir / "b.c"));
    std::vector<Record> r = ReadPath(dir / "ab.c");
    ASSERT_EQ(r.size(), first.size() + second.size());
    EXPECT_EQ(r.back().bytes, second.back());
    EXPECT_FALSE(r.back().input_error);
  }
}

TEST(Compression, MaildirFileCompressed) {
  TempDir dir;
  WriteFile(dir / "m.eml", "Subject: zipped\n\nbody\n");
  std::filesystem::create_directories(dir / "Maildir/new");
  std::filesystem::create_directories(dir / "Maildir/cur");
  Compress(kTools[0], dir / "m.eml", dir / "Maildir/cur/1.host:2,S");
  std::vector<Record> r = ReadPath(dir / "Maildir");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].bytes, "Subject: zipped\n\nbody\n");
}

// A stream cut short: the messages before the cut come out unchanged, then one input error naming
// the format, then the next input is read.
TEST(Compression, TruncatedStreamThenNextInput) {
  TempDir dir;
  std::vector<std::string> msgs = TestMessages(600);
  WriteFile(dir / "plain", testing::WriteMboxrd(msgs));
  WriteFile(dir / "next.eml", "S: next\n\n");
  for (const Tool& tool : kTools) {
    SCOPED_TRACE(tool.name);
    Compress(tool, dir / "plain", dir / "full");
    std::string full = ReadFile(dir / "full");
    WriteFile(dir / "cut", full.substr(0, full.size() * 6 / 10));
    // Small chunks (damage found by a later read) and the default (the first read decodes
    // everything up to the damage and must still hand those bytes on).
    for (size_t chunk : {size_t{16384}, ArchiveOptions{}.chunk_size}) {
      SCOPED_TRACE(chunk);
      ArchiveOptions options;
      options.chunk_size = chunk;
      ArchiveReader reader({InputSpec{dir / "cut"}, InputSpec{dir / "next.eml"}}, options);
      std::vector<Record> r = ReadAll(&reader);
      ASSERT_GE(r.size(), 3u);
      size_t good = r.size() - 2;
      EXPECT_GT(good, 0u);
      EXPECT_LT(good, msgs.size());
      for (size_t i = 0; i < good; ++i) {
        ASSERT_FALSE(r[i].input_error) << r[i].read_error;
        EXPECT_EQ(r[i].bytes, msgs[i]);
      }
      const Record& err = r[good];
      EXPECT_TRUE(err.input_error);
      std::string expected = dir / "cut: truncated " + std::string(tool.name) + " stream after ";
      EXPECT_EQ(err.read_error.rfind(expected, 0), 0u) << err.read_error;
      EXPECT_EQ(r.back().bytes, "S: next\n\n");
      EXPECT_EQ(reader.stats().input_errors, 1u);
      ASSERT_EQ(reader.failed_inputs().size(), 1u);
      EXPECT_EQ(reader.failed_inputs()[0], err.read_error);
    }
  }
}

TEST(Compression, TruncatedAtEveryLengthNeverHangsOrCrashes) {
  TempDir dir;
  WriteFile(dir / "plain", testing::WriteMboxrd(TestMessages(3)));
  for (const Tool& tool : kTools) {
    SCOPED_TRACE(tool.name);
    Compress(tool, dir / "plain", dir / "full");
    std::string full = ReadFile(dir / "full");
    for (size_t len = 1; len < full.size(); len += 1 + len / 8) {
      WriteFile(dir / "cut", full.substr(0, len));
      std::vector<Record> r = ReadPath(dir / "cut");
      if (len < tool.magic_size) continue;  // read as a one-byte .eml
      ASSERT_FALSE(r.empty()) << len;
      EXPECT_TRUE(r.back().input_error) << len;
    }
  }
}

TEST(Compression, CorruptStreamIsAnInputError) {
  TempDir dir;
  WriteFile(dir / "plain", testing::WriteMboxrd(TestMessages(200)));
  WriteFile(dir / "next.eml", "S: next\n\n");
  for (const Tool& tool : kTools) {
    SCOPED_TRACE(tool.name);
    Compress(tool, dir / "plain", dir / "full");
    std::string data = ReadFile(dir / "full");
    for (size_t i = data.size() / 3; i < data.size() / 3 + 64; ++i) data[i] ^= 0x5a;
    WriteFile(dir / "bad", data);
    ArchiveReader reader({InputSpec{dir / "bad"}, InputSpec{dir / "next.eml"}});
    std::vector<Record> r = ReadAll(&reader);
    ASSERT_GE(r.size(), 2u);
    EXPECT_TRUE(r[r.size() - 2].input_error);
    EXPECT_NE(r[r.size() - 2].read_error.find(tool.name), std::string::npos)
        << r[r.size() - 2].read_error;
    EXPECT_EQ(r.back().bytes, "S: next\n\n");
    EXPECT_EQ(reader.stats().input_errors, 1u);
  }
}

TEST(Compression, GarbageAfterMagicBytes) {
  TempDir dir;
  WriteFile(dir / "gz", std::string("\x1f\x8b", 2) + std::string(100, 'A'));
  std::vector<Record> r = ReadPath(dir / "gz");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].input_error);
  EXPECT_NE(r[0].read_error.find("gzip stream"), std::string::npos) << r[0].read_error;
}

}  // namespace
}  // namespace mv
