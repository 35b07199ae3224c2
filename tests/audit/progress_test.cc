// The progress line's text, its plain mode and the input size behind its ETA. Times are passed in
// (FormatText) or the redraw interval is zero, so nothing here depends on the machine's speed.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/input_size.h"
#include "cli/progress_line.h"

namespace mv {
namespace {

RunSummary Messages(int n, uint64_t size) {
  RunSummary summary;
  for (int i = 0; i < n; ++i) {
    MessageRecord r;
    r.provenance.size = size;
    summary.Add(r);
  }
  return summary;
}

TEST(ProgressText, BarPercentageAndEta) {
  // 25 MB of 100 MB in 10 s: 2.5 MB/s, 75 MB left, so 30 s.
  const std::string text =
      ProgressLine::FormatText(Messages(25, 1000000), 10.0, 100000000, true, true);
  EXPECT_EQ(text.rfind("[#####---------------]  25% 25 messages, 25.0 MB", 0), 0u) << text;
  EXPECT_NE(text.find(", 2.5 MB/s"), std::string::npos) << text;
  EXPECT_NE(text.find(", 25.0 of 100.0 MB, ETA 0:30"), std::string::npos) << text;
}

TEST(ProgressText, LongEtaAndUnknownTotals) {
  // 1 MB of 10 GB in 1 s: 9999 s left = 2:46:39.
  std::string text = ProgressLine::FormatText(Messages(1, 1000000), 1.0, 10000000000, true, false);
  EXPECT_NE(text.find("ETA 2:46:39"), std::string::npos) << text;
  EXPECT_EQ(text.find('['), std::string::npos) << text;  // no bar in plain lines
  text = ProgressLine::FormatText(Messages(3, 1000), 1.0, 5000, false, true);
  EXPECT_EQ(text.find('['), std::string::npos) << text;
  EXPECT_NE(text.find("ETA unknown"), std::string::npos) << text;
  // More message bytes than the measured total (it only grows): capped at 100%, ETA 0.
  text = ProgressLine::FormatText(Messages(2, 1000), 1.0, 1500, true, true);
  EXPECT_EQ(text.rfind("[####################] 100% ", 0), 0u) << text;
  EXPECT_NE(text.find("ETA 0:00"), std::string::npos) << text;
}

TEST(ProgressLine, PlainModeWritesWholeLines) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressLine progress(f, ProgressLine::Mode::kPlain, std::chrono::milliseconds(0));
  progress.SetTotalBytes(4000, true);
  progress.Update(Messages(1, 1000));
  progress.Update(Messages(2, 1000));
  progress.Clear();  // nothing to erase in plain mode
  std::fflush(f);
  std::rewind(f);
  std::string s;
  for (int c; (c = std::fgetc(f)) != EOF;) s.push_back(static_cast<char>(c));
  std::fclose(f);
  EXPECT_EQ(s.find('\r'), std::string::npos) << s;
  EXPECT_EQ(s.find('\033'), std::string::npos) << s;
  EXPECT_EQ(s.rfind("mailverify: 1 messages, ", 0), 0u) << s;
  EXPECT_NE(s.find("\nmailverify: 2 messages, "), std::string::npos) << s;
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 2);
  EXPECT_NE(s.find(", 0.0 of 0.0 MB, ETA"), std::string::npos) << s;
}

TEST(InputSize, SumsFilesAndDirectoriesAndSpotsCompression) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(MV_BINARY_DIR) / "input_size_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "maildir" / "cur");
  std::ofstream(dir / "a.mbox") << std::string(1000, 'x');
  std::ofstream(dir / "maildir" / "cur" / "1") << std::string(300, 'y');
  std::ofstream(dir / "maildir" / "cur" / "2") << std::string(200, 'z');
  // gzip magic under a name that does not say so.
  std::ofstream(dir / "packed") << std::string("\x1f\x8b\x08\x00", 4) << std::string(50, 'q');

  InputSize size = MeasureInputs({(dir / "a.mbox").string(), (dir / "maildir").string()});
  EXPECT_EQ(size.bytes, 1500u);
  EXPECT_TRUE(size.known);
  size = MeasureInputs({(dir / "a.mbox").string(), (dir / "packed").string()});
  EXPECT_EQ(size.bytes, 1054u);
  EXPECT_FALSE(size.known);
  EXPECT_FALSE(MeasureInputs({"-"}).known);
  std::ofstream(dir / "maildir" / "cur" / "3.gz") << "x";
  EXPECT_FALSE(MeasureInputs({(dir / "maildir").string()}).known);
  // A missing input is the reader's to report; it adds nothing.
  size = MeasureInputs({(dir / "missing").string(), (dir / "a.mbox").string()});
  EXPECT_EQ(size.bytes, 1000u);
  EXPECT_TRUE(size.known);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mv
