// ByteBudget on its own: the reader's task is parked (holding no thread) while the budget is
// spent, and goes on exactly when enough bytes are given back. The end-to-end case, a stalled DNS
// server behind the pipeline, is e2e_live_dns_stalled_budget (tests/e2e/CMakeLists.txt).
#include "pipeline/byte_budget.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

namespace mv {
namespace {

TEST(ByteBudget, ReaderWaitsUntilBytesAreGivenBackAndHoldsNoThread) {
  ByteBudget budget(100);
  budget.Take(150);  // one batch may pass the bound
  std::atomic<bool> reader_went_on{false};
  std::atomic<int> other_work{0};
  tbb::task_arena arena(1, 0);  // one worker thread: a blocked reader would starve the rest
  tbb::task_group group;
  arena.execute([&] {
    group.run([&] {
      budget.WaitForRoom();
      reader_went_on = true;
    });
    for (int i = 0; i < 10; ++i) group.run([&] { ++other_work; });
  });
  // The other tasks ran on the arena's only thread while the reader waited.
  for (int i = 0; i < 200 && other_work < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(other_work, 10);
  EXPECT_FALSE(reader_went_on);
  budget.Give(40);  // 110 in use: still no room
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(reader_went_on);
  budget.Give(20);  // 90 in use: room
  arena.execute([&] { group.wait(); });
  EXPECT_TRUE(reader_went_on);
  EXPECT_EQ(budget.in_use(), 90u);
  EXPECT_EQ(budget.peak(), 150u);
}

TEST(ByteBudget, ZeroMeansNoBound) {
  ByteBudget budget(0);
  budget.Take(size_t{1} << 40);
  tbb::task_group group;
  bool went_on = false;
  group.run([&] {
    budget.WaitForRoom();
    went_on = true;
  });
  group.wait();
  EXPECT_TRUE(went_on);
}

}  // namespace
}  // namespace mv
