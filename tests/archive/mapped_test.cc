// The mapped path (ArchiveOptions::map_files: a regular mbox is read through mmap windows of about
// chunk_size): messages that straddle windows, un-quoting into private copies, Content-Length,
// ranges, a file that shrinks while it is read, and windows being unmapped once no message refers
// to them. Small windows (4 KiB chunks) stand in for the 8 MiB default, so no test needs a big
// file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <deque>

#include "archive/mapped_window.h"
#include "archive_test_util.h"

namespace mv {
namespace {

using testing::Flat;
using testing::Flatten;
using testing::ReadPath;
using testing::Record;
using testing::TempDir;
using testing::WriteFile;

// Messages of 0.5-4 KB, so that with 4 KiB windows most of them straddle a window boundary. Their
// bodies hold lines an mbox writer must quote.
std::vector<std::string> StraddlingMessages(size_t count, const std::string& eol = "\n") {
  std::mt19937 rng(11);
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    std::string m = testing::RandomMessage(rng, i, 20 + (i * 37) % 160);
    if (eol == "\r\n") {
      std::string crlf;
      for (char c : m) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
      m = crlf;
    }
    out.push_back(m);
  }
  return out;
}

// Messages of 0.5-4 KB with nothing to un-quote, so each one is a view into a window.
std::vector<std::string> PlainMessages(size_t count) {
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    std::string m = "Subject: plain " + std::to_string(i) + "\n\n";
    for (size_t line = 0; line < 10 + (i * 37) % 90; ++line) {
      m += "an ordinary body line, number " + std::to_string(line) + "\n";
    }
    out.push_back(m);
  }
  return out;
}

std::vector<std::string> Bytes(const std::vector<Record>& records) {
  std::vector<std::string> out;
  for (const Record& r : records) {
    EXPECT_TRUE(r.read_error.empty()) << r.read_error;
    out.push_back(r.bytes);
  }
  return out;
}

ArchiveOptions Options(size_t chunk, bool map, MboxVariant variant = MboxVariant::kAuto) {
  ArchiveOptions options;
  options.chunk_size = chunk;
  options.map_files = map;
  options.mbox_variant = variant;
  return options;
}

TEST(MappedMbox, MessagesStraddlingWindowsMatchTheReadPath) {
  TempDir dir;
  const uint64_t live_before = LiveMappedWindows();
  for (const char* eol : {"\n", "\r\n"}) {
    std::vector<std::string> msgs = StraddlingMessages(300, eol);
    WriteFile(dir / "box", testing::WriteMboxrd(msgs, eol));
    for (MboxVariant variant :
         {MboxVariant::kAuto, MboxVariant::kMboxrd, MboxVariant::kMboxo, MboxVariant::kMboxcl2}) {
      const std::vector<Flat> by_read =
          Flatten(ReadPath(dir / "box", Options(4096, false, variant)));
      ASSERT_EQ(by_read.size(), msgs.size());
      for (size_t chunk : {64, 4096, 4097, 10000, 1 << 20}) {
        EXPECT_EQ(Flatten(ReadPath(dir / "box", Options(chunk, true, variant))), by_read)
            << "chunk " << chunk << " eol size " << std::string(eol).size();
      }
      if (variant == MboxVariant::kAuto || variant == MboxVariant::kMboxrd) {
        EXPECT_EQ(Bytes(ReadPath(dir / "box", Options(4096, true, variant))), msgs);
      }
    }
  }
  EXPECT_EQ(LiveMappedWindows(), live_before);
}

TEST(MappedMbox, ContentLengthAcrossWindows) {
  TempDir dir;
  std::vector<std::string> msgs = StraddlingMessages(200);
  WriteFile(dir / "box", testing::WriteMboxcl2(msgs));
  std::vector<std::string> expected;
  for (const std::string& m : msgs) expected.push_back(testing::WithContentLength(m));
  for (MboxVariant variant : {MboxVariant::kAuto, MboxVariant::kMboxcl2}) {
    for (size_t chunk : {64, 4096, 5000}) {
      EXPECT_EQ(Bytes(ReadPath(dir / "box", Options(chunk, true, variant))), expected)
          << "chunk " << chunk;
    }
  }
}

// Un-quoting needs a writable copy; the page cache (and so the file) must not change.
TEST(MappedMbox, UnquotingCopiesAndLeavesTheFileAlone) {
  TempDir dir;
  std::vector<std::string> msgs = {
      "S: 1\n\nFrom here\n>From there\n" + std::string(6000, 'q') + "\nFrom the end\n",
      "S: 2\n\nplain\n"};
  const std::string data = testing::WriteMboxrd(msgs);
  WriteFile(dir / "box", data);
  ArchiveReader reader({InputSpec{dir / "box"}}, Options(4096, true));
  RawMessage first, second;
  ASSERT_TRUE(reader.Next(&first));
  ASSERT_TRUE(reader.Next(&second));
  EXPECT_EQ(first.bytes, msgs[0]);
  EXPECT_EQ(first.provenance.size, msgs[0].size() + 3);  // three '>' as stored
  EXPECT_EQ(second.bytes, msgs[1]);
  EXPECT_EQ(testing::ReadFile(dir / "box"), data);
}

TEST(MappedMbox, MessageLargerThanManyWindows) {
  TempDir dir;
  std::vector<std::string> msgs = {"S: 1\n\nx\n", "S: 2\n\n" + std::string(300000, 'y') + "\n",
                                   "S: 3\n\nz\n"};
  WriteFile(dir / "box", testing::WriteMboxrd(msgs));
  EXPECT_EQ(Bytes(ReadPath(dir / "box", Options(4096, true))), msgs);
  ArchiveOptions small = Options(4096, true);
  small.max_message_size = 100000;
  std::vector<Record> r = ReadPath(dir / "box", small);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].bytes, msgs[0]);
  EXPECT_TRUE(r[1].bytes.empty());
  EXPECT_NE(r[1].read_error.find("exceeds the maximum message size"), std::string::npos);
  EXPECT_EQ(r[1].provenance.size, msgs[1].size());
  EXPECT_EQ(r[2].bytes, msgs[2]);
}

// Ranges tile exactly when cut at and around window (page) boundaries as well.
TEST(MappedMbox, RangesTileTheFile) {
  TempDir dir;
  std::vector<std::string> msgs = StraddlingMessages(150);
  const std::string data = testing::WriteMboxrd(msgs);
  WriteFile(dir / "box", data);
  const std::vector<Flat> whole = Flatten(ReadPath(dir / "box", Options(4096, false)));
  ASSERT_EQ(whole.size(), msgs.size());
  std::vector<std::vector<uint64_t>> tilings = {{4096, 8192, 12288},
                                                {4095, 4097, 65536, 65537},
                                                {1, 2, 3, 100000, data.size() - 1},
                                                {whole[10].offset, whole[11].offset - 1}};
  std::mt19937 rng(3);
  for (int i = 0; i < 5; ++i) {
    std::vector<uint64_t> cuts;
    for (int j = 0; j < 8; ++j) cuts.push_back(1 + rng() % (data.size() - 1));
    std::sort(cuts.begin(), cuts.end());
    tilings.push_back(cuts);
  }
  for (size_t chunk : {4096, 5000}) {
    for (const std::vector<uint64_t>& cuts : tilings) {
      std::vector<Flat> tiled;
      uint64_t begin = 0;
      for (size_t i = 0; i <= cuts.size(); ++i) {
        const uint64_t end = i < cuts.size() ? cuts[i] : UINT64_MAX;
        uint64_t first_index = 0;
        for (const Flat& f : whole) first_index += f.offset < begin;
        std::vector<Flat> part = Flatten(testing::ReadAll(
            {InputSpec{dir / "box", begin, end, first_index}}, Options(chunk, true)));
        tiled.insert(tiled.end(), part.begin(), part.end());
        begin = end;
      }
      EXPECT_EQ(tiled, whole) << "chunk " << chunk << " first cut " << cuts[0];
    }
  }
}

// Memory stays bounded: a window is unmapped as soon as neither the reader nor a message in flight
// points into it, so the windows alive never exceed the messages held plus the reader's own.
// (Plain messages: an un-quoted one holds a copy instead of a window.)
TEST(MappedMbox, WindowsAreUnmappedOnceNoMessageRefersToThem) {
  TempDir dir;
  std::vector<std::string> msgs = PlainMessages(300);
  WriteFile(dir / "box", testing::WriteMboxrd(msgs));
  const uint64_t live_before = LiveMappedWindows();
  for (size_t hold : {0, 1, 8}) {
    std::deque<RawMessage> in_flight;
    uint64_t most = 0;
    size_t n = 0;
    {
      ArchiveReader reader({InputSpec{dir / "box"}}, Options(4096, true));
      RawMessage m;
      while (reader.Next(&m)) {
        ASSERT_LT(n, msgs.size());
        EXPECT_EQ(m.bytes, msgs[n]) << n;
        ++n;
        most = std::max(most, LiveMappedWindows() - live_before);
        if (hold == 0) continue;
        in_flight.push_back(std::move(m));
        m = RawMessage();
        if (in_flight.size() > hold) in_flight.pop_front();
      }
    }
    EXPECT_EQ(n, msgs.size());
    EXPECT_GT(most, 0u) << "the file was read, not mapped";
    EXPECT_LE(most, hold + 1) << "hold " << hold;
    // The messages still held keep their windows, and their bytes stay readable.
    if (hold > 0) {
      EXPECT_GT(LiveMappedWindows(), live_before);
      EXPECT_EQ(in_flight.back().bytes, msgs.back());
    }
    in_flight.clear();
    EXPECT_EQ(LiveMappedWindows(), live_before) << "hold " << hold;
  }
}

// The size is taken at open; a file cut shorter before the reader maps the windows past the cut
// ends with the messages before the cut intact and one input error for the message it falls in.
void ExpectShrinkIsAnInputError(bool map_files) {
  TempDir dir;
  std::vector<std::string> msgs = StraddlingMessages(100);
  const std::string data = testing::WriteMboxrd(msgs);
  WriteFile(dir / "box", data);
  const std::vector<Flat> whole = Flatten(ReadPath(dir / "box", Options(4096, false)));
  ASSERT_EQ(whole.size(), msgs.size());
  const size_t j = 60;  // far past the first windows (offset > 50 KB)
  ASSERT_GT(whole[j].offset, 50000u);
  const uint64_t cut = (whole[j].offset + whole[j + 1].offset) / 2;

  ArchiveReader reader({InputSpec{dir / "box"}}, Options(4096, map_files));
  std::vector<Record> records;
  RawMessage m;
  ASSERT_TRUE(reader.Next(&m));
  records.push_back({std::string(m.bytes), m.provenance, m.read_error, m.input_error});
  ASSERT_EQ(::truncate((dir / "box").c_str(), static_cast<off_t>(cut)), 0);
  while (reader.Next(&m)) {
    records.push_back({std::string(m.bytes), m.provenance, m.read_error, m.input_error});
  }
  ASSERT_EQ(records.size(), j + 1);
  std::vector<Flat> got = Flatten(records);
  for (size_t i = 0; i < j; ++i) EXPECT_EQ(got[i], whole[i]) << i;
  EXPECT_TRUE(got[j].input_error);
  EXPECT_EQ(got[j].offset, whole[j].offset);
  // Mapping notices before a window past the cut, reading at the early end of the stream.
  EXPECT_NE(got[j].error.find("shrank from " + std::to_string(data.size()) + " to " +
                              std::to_string(cut) + " bytes"),
            std::string::npos)
      << got[j].error;
  EXPECT_NE(got[j].error.find("is incomplete"), std::string::npos) << got[j].error;
  EXPECT_EQ(reader.stats().input_errors, 1u);
}

TEST(MappedMbox, FileThatShrinksWhileReadIsAnInputError) {
  ExpectShrinkIsAnInputError(true);
}

TEST(ReadMbox, FileThatShrinksWhileReadIsAnInputError) {
  ExpectShrinkIsAnInputError(false);
}

// A truncation under a window that a message in flight still points into cannot be caught by a
// size check: touching those bytes faults. The handler of mapped_window.cc turns the vanished pages
// into zeros and marks the window, so the process lives on and the damage is known: the message
// says so (MappedBytesDamaged), the reader ends the file with an input error, and a SIGBUS outside
// our windows still kills (last part).
TEST(MappedMbox, TruncationUnderAWindowInUseIsReportedNotFatal) {
  TempDir dir;
  std::vector<std::string> msgs = PlainMessages(20);
  WriteFile(dir / "box", testing::WriteMboxrd(msgs));
  ArchiveReader reader({InputSpec{dir / "box"}}, Options(1 << 20, true));
  RawMessage m;
  ASSERT_TRUE(reader.Next(&m));
  ASSERT_EQ(m.bytes, msgs[0]);
  EXPECT_FALSE(MappedBytesDamaged(m.bytes.data()));
  ASSERT_EQ(::truncate((dir / "box").c_str(), 0), 0);
  size_t zeros = 0;
  for (char c : m.bytes) zeros += c == '\0';  // faults, then reads the zero pages
  EXPECT_EQ(zeros, m.bytes.size());
  EXPECT_TRUE(MappedBytesDamaged(m.bytes.data()));
  std::vector<RawMessage> rest;
  RawMessage next;
  while (reader.Next(&next)) rest.push_back(next);
  ASSERT_FALSE(rest.empty());
  bool reported = false;
  for (const RawMessage& r : rest) reported = reported || r.input_error || !r.read_error.empty();
  EXPECT_TRUE(reported) << "the truncation must show in what the reader hands on";
}

TEST(MappedMboxDeathTest, SigbusOutsideOurWindowsStillEndsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TempDir dir;
  WriteFile(dir / "box", testing::WriteMboxrd(PlainMessages(3)));
  WriteFile(dir / "other", std::string(1 << 16, 'x'));
  EXPECT_EXIT(
      {
        // Our handler is installed by the first window.
        ArchiveReader reader({InputSpec{dir / "box"}}, Options(1 << 20, true));
        RawMessage m;
        if (!reader.Next(&m)) std::_Exit(1);
        const int fd = ::open((dir / "other").c_str(), O_RDONLY);
        void* p = ::mmap(nullptr, 1 << 16, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED || ::truncate((dir / "other").c_str(), 0) != 0) std::_Exit(2);
        volatile char c = static_cast<const char*>(p)[1 << 15];
        (void)c;
        std::_Exit(0);
      },
      // Killed by SIGBUS; under a sanitizer, its own SIGBUS report (which our handler chains to)
      // ends the process with an error status instead. Either way it does not carry on.
      [](int status) { return WIFSIGNALED(status) ? WTERMSIG(status) == SIGBUS : status != 0; },
      "");
}

}  // namespace
}  // namespace mv
