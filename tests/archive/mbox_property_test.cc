// Property checks on random mbox-like byte soup (separators, quotes, CR, Content-Length headers):
// the result never depends on the chunk size, on reading versus mapping the file or on who scans
// for separators (the reader or all threads), and byte ranges always tile (mboxrd/mboxo).
#include <gtest/gtest.h>

#include "archive_test_util.h"

namespace mv {
namespace {

using testing::Flat;
using testing::Flatten;
using testing::ReadPath;
using testing::Record;
using testing::TempDir;
using testing::WriteFile;

std::string RandomSoup(std::mt19937& rng) {
  static const char* kTokens[] = {"From ",
                                  "From a\n",
                                  "\n",
                                  "\r\n",
                                  ">",
                                  ">From ",
                                  "x",
                                  "S: v\n",
                                  "\n\n",
                                  "F",
                                  "Fro",
                                  "\r",
                                  "yy\n",
                                  "Content-Length: 0\n",
                                  "Content-Length: 3\n",
                                  "Content-Length: 12\n",
                                  "From - \n",  // postmarks: separators even after text
                                  "From a Mon Jan  1 00:00:00 2024\n"};
  std::uniform_int_distribution<size_t> pick(0, std::size(kTokens) - 1);
  std::string s = rng() % 4 ? "From " : "";
  size_t n = rng() % 120;
  for (size_t i = 0; i < n; ++i) s += kTokens[pick(rng)];
  return s;
}

TEST(MboxProperty, ChunkSizeInvariantAndRangesTile) {
  TempDir dir;
  std::mt19937 rng(12345);
  const std::string path = dir / "soup";
  for (int round = 0; round < 300; ++round) {
    std::string data = RandomSoup(rng);
    WriteFile(path, data);
    for (MboxVariant v :
         {MboxVariant::kAuto, MboxVariant::kMboxrd, MboxVariant::kMboxo, MboxVariant::kMboxcl2}) {
      ArchiveOptions options;
      options.mbox_variant = v;
      options.file_format = FileFormat::kMbox;
      std::vector<Flat> whole = Flatten(ReadPath(path, options));
      for (size_t chunk : {64, 97}) {
        options.chunk_size = chunk;
        ASSERT_EQ(Flatten(ReadPath(path, options)), whole)
            << "round " << round << " chunk " << chunk << " data: " << data;
        // The read(2) path agrees with the mapped one (the default for a regular file).
        options.map_files = false;
        ASSERT_EQ(Flatten(ReadPath(path, options)), whole)
            << "read path, round " << round << " chunk " << chunk << " data: " << data;
        options.map_files = true;
        // The parallel candidate scan (line_start_index.h) agrees with the reader's own.
        options.index_windows_from = 0;
        ASSERT_EQ(Flatten(ReadPath(path, options)), whole)
            << "indexed, round " << round << " chunk " << chunk << " data: " << data;
        options.index_windows_from = ArchiveOptions{}.index_windows_from;
      }
      if (v == MboxVariant::kAuto || v == MboxVariant::kMboxcl2) continue;
      // Two-way splits; the junk record (bytes before the first separator) belongs to range 0.
      std::vector<Flat> messages;
      for (const Flat& f : whole) {
        if (!f.input_error) messages.push_back(f);
      }
      for (uint64_t cut = 1; cut <= data.size(); cut += 1 + cut / 16) {
        uint64_t first_index = 0;
        for (const Flat& f : messages) first_index += f.offset < cut;
        options.chunk_size = 64;
        std::vector<Flat> tiled;
        for (const Record& r : testing::ReadAll({InputSpec{path, 0, cut, 0}}, options)) {
          if (!r.input_error) tiled.push_back(Flatten({r})[0]);
        }
        std::vector<Flat> tail =
            Flatten(testing::ReadAll({InputSpec{path, cut, UINT64_MAX, first_index}}, options));
        tiled.insert(tiled.end(), tail.begin(), tail.end());
        ASSERT_EQ(tiled, messages) << "round " << round << " cut " << cut << " data: " << data;
      }
    }
  }
}

}  // namespace
}  // namespace mv
