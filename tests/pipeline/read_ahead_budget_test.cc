// ReadAheadBudget on its own: the reader's task is parked (holding no thread) while the bytes are
// spent, enough batches are counted or DNS has questions queued, and goes on exactly when bytes
// are given back, a batch is done, a parked batch has waited long enough to stop counting, or the
// queue is empty. The end-to-end cases, a stalled DNS server behind the pipeline and dead domains
// among live ones, are e2e_live_dns_stalled_budget and e2e_dns_window_dead (tests/e2e/).
#include "pipeline/read_ahead_budget.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

namespace mv {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Runs a reader (WaitForRoom, then sets `went_on`) as a task of `arena`.
void StartReader(ReadAheadBudget* budget, tbb::task_arena* arena, tbb::task_group* group,
                 std::atomic<bool>* went_on) {
  *went_on = false;
  arena->execute([&] {
    group->run([budget, went_on] {
      budget->WaitForRoom();
      *went_on = true;
    });
  });
}

bool WaitFor(const std::atomic<bool>& flag, milliseconds limit) {
  const auto end = Clock::now() + limit;
  while (!flag && Clock::now() < end) std::this_thread::sleep_for(milliseconds(2));
  return flag;
}

TEST(ReadAheadBudget, ReaderWaitsUntilBytesAreGivenBackAndHoldsNoThread) {
  ReadAheadBudget budget({.bytes = 100});
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
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(other_work, 10);
  EXPECT_FALSE(reader_went_on);
  budget.Give(40);  // 110 in use: still no room
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_FALSE(reader_went_on);
  budget.Give(20);  // 90 in use: room
  arena.execute([&] { group.wait(); });
  EXPECT_TRUE(reader_went_on);
  EXPECT_EQ(budget.in_use(), 90u);
  EXPECT_EQ(budget.peak(), 150u);
}

TEST(ReadAheadBudget, ZeroMeansNoBound) {
  ReadAheadBudget budget({});
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

// Two batches of 10 bytes taken from a budget that counts two batches, and a reader waiting.
struct TwoBatchesCounted {
  explicit TwoBatchesCounted(milliseconds stale_after)
      : budget({.bytes = 1000, .batches = 2, .stale_after = stale_after}) {
    budget.Take(10);
    budget.Take(10);
    StartReader(&budget, &arena, &group, &went_on);
  }
  ReadAheadBudget budget;
  tbb::task_arena arena{2, 0};
  tbb::task_group group;
  std::atomic<bool> went_on{false};
};

TEST(ReadAheadBudget, ReaderWaitsWhileEnoughBatchesAreCountedAndGoesOnWhenOneIsDone) {
  TwoBatchesCounted t(milliseconds(60'000));
  ReadAheadBudget& budget = t.budget;
  std::atomic<bool>& went_on = t.went_on;
  // A batch that parks for a round trip still counts: the reader waits on.
  const uint64_t ticket = budget.Park();
  EXPECT_FALSE(WaitFor(went_on, milliseconds(100)));
  budget.Unpark(ticket);
  EXPECT_EQ(budget.batches(), 2u);
  budget.Give(10);
  t.arena.execute([&] { t.group.wait(); });
  EXPECT_TRUE(went_on);
  EXPECT_EQ(budget.batches(), 1u);
  EXPECT_EQ(budget.in_use(), 10u);
}

TEST(ReadAheadBudget, ABatchParkedPastStaleAfterStopsCountingUntilItIsBack) {
  TwoBatchesCounted t(milliseconds(150));
  ReadAheadBudget& budget = t.budget;
  tbb::task_arena& arena = t.arena;
  tbb::task_group& group = t.group;
  std::atomic<bool>& went_on = t.went_on;
  const auto parked = Clock::now();
  const uint64_t ticket = budget.Park();  // waits on a dead server, say
  // Not before stale_after, and soon after it, the reader goes on past that batch.
  ASSERT_TRUE(WaitFor(went_on, milliseconds(5'000)));
  const auto waited = Clock::now() - parked;
  EXPECT_GE(waited, milliseconds(150));
  EXPECT_LT(waited, milliseconds(2'000));
  arena.execute([&] { group.wait(); });
  EXPECT_EQ(budget.batches(), 1u);
  budget.Take(10);  // the reader's batch: 2 counted again
  // The stale batch's answers arrive: it works again and counts, so the reader waits until two
  // batches are done.
  budget.Unpark(ticket);
  EXPECT_EQ(budget.batches(), 3u);
  StartReader(&budget, &arena, &group, &went_on);
  budget.Give(10);
  EXPECT_FALSE(WaitFor(went_on, milliseconds(100)));
  budget.Give(10);
  arena.execute([&] { group.wait(); });
  EXPECT_TRUE(went_on);
  EXPECT_EQ(budget.batches(), 1u);
}

TEST(ReadAheadBudget, ReaderWaitsWhileDnsHasQuestionsQueuedAndGoesOnOnceTheyAreSent) {
  std::atomic<bool> backlog{true};
  ReadAheadBudget budget({.bytes = 1000,
                          .batches = 10,
                          .stale_after = milliseconds(60'000),
                          .dns_backlog = [&backlog] { return backlog.load(); }});
  tbb::task_arena arena(2, 0);
  tbb::task_group group;
  std::atomic<bool> went_on{false};
  StartReader(&budget, &arena, &group, &went_on);
  EXPECT_FALSE(WaitFor(went_on, milliseconds(100)));
  backlog = false;  // nothing tells the budget: its watchdog notices
  EXPECT_TRUE(WaitFor(went_on, milliseconds(5'000)));
  arena.execute([&] { group.wait(); });
  EXPECT_TRUE(went_on);
}

}  // namespace
}  // namespace mv
