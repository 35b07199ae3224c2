// ByteBudget: bounds the message bytes the pipeline holds between reading and the end of verify,
// above all the messages parked while they wait for DNS. The reader takes from it before each
// batch and the verify stage gives back; while the budget is spent the reader's task is suspended
// (it holds no thread), so a slow DNS server makes the run wait, never grow.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>

#include <oneapi/tbb/task.h>

#if !__TBB_RESUMABLE_TASKS
#error "mailverify needs oneTBB's resumable tasks (tbb::task::suspend)"
#endif

namespace mv {

class ByteBudget {
 public:
  // 0 means no bound.
  explicit ByteBudget(size_t limit) : limit_(limit) {}

  // Waits (suspending the calling TBB task) until less than the limit is in use. A batch is
  // admitted whole once there is room, so the bound can be passed by one batch.
  void WaitForRoom();
  void Take(size_t bytes);
  void Give(size_t bytes);

  size_t in_use() const;
  size_t peak() const;

 private:
  bool HasRoomLocked() const { return limit_ == 0 || used_ < limit_; }

  const size_t limit_;
  mutable std::mutex mu_;
  size_t used_ = 0;
  size_t peak_ = 0;
  std::optional<tbb::task::suspend_point> waiter_;  // the reader, while it waits for room
};

}  // namespace mv
