#include "cli/progress_line.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <thread>

namespace mv {
namespace {

std::string Contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  for (int c; (c = std::fgetc(f)) != EOF;) s.push_back(static_cast<char>(c));
  return s;
}

RunSummary OneMessage() {
  RunSummary summary;
  MessageRecord r;
  r.provenance.size = 1000;
  summary.Add(r);
  return summary;
}

TEST(ProgressLine, DisabledWritesNothing) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressLine progress(f, false);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  progress.Update(OneMessage());
  progress.Clear();
  EXPECT_EQ(Contents(f), "");
  std::fclose(f);
}

// Only a lower bound on elapsed time is relied on: after 300 ms a redraw is always due.
TEST(ProgressLine, RedrawsInPlaceAndClears) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressLine progress(f, true);
  progress.Clear();  // nothing drawn yet: nothing to erase
  EXPECT_EQ(Contents(f), "");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  progress.Update(OneMessage());
  const std::string drawn = Contents(f);
  EXPECT_EQ(drawn.rfind("\r\033[K1 messages, 0.0 MB, 0 errors, ", 0), 0u) << drawn;
  EXPECT_EQ(drawn.find('\n'), std::string::npos);
  std::fseek(f, 0, SEEK_END);
  progress.Clear();
  EXPECT_EQ(Contents(f), drawn + "\r\033[K");
  std::fclose(f);
}

}  // namespace
}  // namespace mv
