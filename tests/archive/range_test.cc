// InputSpec byte ranges: ranges that tile a file yield exactly the messages of a whole-file read,
// with the same indexes when first_index counts the messages before the range.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "archive_test_util.h"

namespace mv {
namespace {

using testing::ReadAll;
using testing::Record;
using testing::TempDir;
using testing::WriteFile;

struct Key {
  std::string bytes;
  uint64_t index, offset, size;
  bool operator==(const Key&) const = default;
};

std::vector<Key> Keys(const std::vector<Record>& records) {
  std::vector<Key> out;
  for (const Record& r : records) {
    EXPECT_FALSE(r.input_error) << r.read_error;
    out.push_back({r.bytes, r.provenance.index, r.provenance.offset, r.provenance.size});
  }
  return out;
}

uint64_t CountBefore(const std::vector<Key>& whole, uint64_t offset) {
  return static_cast<uint64_t>(
      std::count_if(whole.begin(), whole.end(), [&](const Key& k) { return k.offset < offset; }));
}

// Reads `path` as the ranges cut at `cuts` (sorted, inside the file) and concatenates the results.
std::vector<Key> ReadTiled(const std::string& path, const std::vector<Key>& whole,
                           const std::vector<uint64_t>& cuts, ArchiveOptions options = {}) {
  std::vector<Key> out;
  uint64_t begin = 0;
  for (size_t i = 0; i <= cuts.size(); ++i) {
    uint64_t end = i < cuts.size() ? cuts[i] : UINT64_MAX;
    std::vector<Key> part =
        Keys(ReadAll({InputSpec{path, begin, end, CountBefore(whole, begin)}}, options));
    out.insert(out.end(), part.begin(), part.end());
    begin = end;
  }
  return out;
}

// Tricky layout: empty messages, "From " lines not after empty lines, quoted lines, CRLF, a
// message without final newline.
std::string TrickyMbox() {
  return "From a\nS: 1\n\nx\nFrom inside\n\n"
         "From b\n\n"
         "From c\r\nS: 3\r\n\r\n>From q\r\n\r\n"
         "From d\nS: 4\n\n\n\n"
         "From e\nFrom f\n\n"
         "From g\nS: 7\n\nlast";
}

TEST(Ranges, EveryTwoWaySplitTiles) {
  TempDir dir;
  std::string data = TrickyMbox();
  WriteFile(dir / "box", data);
  std::vector<Key> whole = Keys(ReadAll({InputSpec{dir / "box"}}));
  ASSERT_EQ(whole.size(), 6u);
  for (uint64_t cut = 0; cut <= data.size() + 1; ++cut) {
    EXPECT_EQ(ReadTiled(dir / "box", whole, {cut}), whole) << "cut at " << cut;
  }
}

TEST(Ranges, RangeHoldsMessagesStartingInside) {
  TempDir dir;
  std::string data = TrickyMbox();
  WriteFile(dir / "box", data);
  uint64_t b = data.find("From b");
  uint64_t d = data.find("From d");
  // [b, d) holds the messages whose From line starts at b and c, and runs to the end of c.
  std::vector<Key> r = Keys(ReadAll({InputSpec{dir / "box", b, d, 1}}));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].offset, b);
  EXPECT_EQ(r[0].index, 1u);
  EXPECT_EQ(r[1].bytes, "S: 3\r\n\r\nFrom q\r\n");
  EXPECT_EQ(r[1].index, 2u);
  // A range inside one message holds nothing.
  uint64_t c = data.find("From c");
  EXPECT_TRUE(ReadAll({InputSpec{dir / "box", c + 1, d, 0}}).empty());
  EXPECT_EQ(ReadAll({InputSpec{dir / "box", c + 1, d + 1, 0}}).size(), 1u);
}

TEST(Ranges, RandomTilingsOfLargeFile) {
  TempDir dir;
  std::mt19937 rng(9);
  std::vector<std::string> msgs;
  for (size_t i = 0; i < 2000; ++i) msgs.push_back(testing::RandomMessage(rng, i, i % 30));
  std::string data = testing::WriteMboxrd(msgs);
  WriteFile(dir / "box", data);
  ArchiveOptions options;
  options.chunk_size = 4096;
  std::vector<Key> whole = Keys(ReadAll({InputSpec{dir / "box"}}, options));
  ASSERT_EQ(whole.size(), msgs.size());
  std::uniform_int_distribution<uint64_t> pos(0, data.size());
  for (size_t round = 0; round < 20; ++round) {
    std::vector<uint64_t> cuts(1 + round % 7);
    for (uint64_t& c : cuts) c = pos(rng);
    std::sort(cuts.begin(), cuts.end());
    EXPECT_EQ(ReadTiled(dir / "box", whole, cuts, options), whole) << "round " << round;
  }
}

TEST(Ranges, CompressedInputUsesDecompressedOffsets) {
  TempDir dir;
  std::mt19937 rng(4);
  std::vector<std::string> msgs;
  for (size_t i = 0; i < 300; ++i) msgs.push_back(testing::RandomMessage(rng, i, 10));
  std::string data = testing::WriteMboxrd(msgs);
  WriteFile(dir / "box", data);
  ASSERT_EQ(std::system(("gzip -c < '" + dir / "box" + "' > '" + dir / "box.z" + "'").c_str()), 0);
  std::vector<Key> whole = Keys(ReadAll({InputSpec{dir / "box"}}));
  std::vector<uint64_t> cuts = {data.size() / 5, data.size() / 2, data.size() / 2 + 1};
  EXPECT_EQ(ReadTiled(dir / "box.z", whole, cuts), whole);
}

TEST(Ranges, SingleMessageFileOnlyInFirstRange) {
  TempDir dir;
  WriteFile(dir / "m.eml", "S: x\n\nbody\n");
  EXPECT_EQ(ReadAll({InputSpec{dir / "m.eml", 0, 5, 7}}).at(0).provenance.index, 7u);
  EXPECT_TRUE(ReadAll({InputSpec{dir / "m.eml", 5, UINT64_MAX, 1}}).empty());
}

}  // namespace
}  // namespace mv
