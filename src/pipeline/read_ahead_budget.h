// ReadAheadBudget: how far the pipeline's reader may run ahead of the checks. It bounds the
// message bytes held between reading and the end of verify, above all those of batches parked
// while they wait for DNS, and, with live DNS, the number of batches in flight. The reader takes
// from it before each batch and the verify stage gives back; while there is no room the reader's
// task is suspended (it holds no thread), so a slow DNS server makes the run wait, never grow.
//
// Why batches too: every message in flight costs memory beyond its bytes (its header index, its
// record, a parked task), touched for the first time and evicted from the caches before it is
// verified. Reading ahead only pays while it finds work or questions for the DNS window. With 64
// batches instead of 512, the 5,000-domain corpus took ~0.2 s less with half the peak RSS,
// with live NSD and at 30 ms, and the bench corpus (whose 64 MiB of bytes bind first) was
// unchanged (bench/README.md, session 7). But a batch that waits on a dead server waits seconds,
// and 64 such batches stalled the run (31 s instead of 14 s with 5% of 5,000 domains dead). So a
// batch parked for longer than `stale_after` stops counting until its answers are in, and the
// reader goes on past it within the byte bound. The scan sets half the DNS first try (1 s): 250 ms
// also let rounds that only queued for the DNS window go stale (no gain at 30 ms), 2 s made the
// dead run slower (14.7 s against 13.8 s).
//
// And while the DNS resolver has questions queued for its window, the reader waits: a new batch's
// first questions would queue ahead of the follow-up rounds (SPF includes, ESP chains) of the
// batches before it. Breadth first, no batch of the 5,000-domain corpus finished before 1.7 s at
// 30 ms and the cores idled meanwhile; now the first records come at 0.37 s, and that run takes
// 0.15-0.3 s less (100 ms: 9.2 -> 8.4 s), the dead runs unchanged (bench/README.md, session 7).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <oneapi/tbb/task.h>

#if !__TBB_RESUMABLE_TASKS
#error "mailverify needs oneTBB's resumable tasks (tbb::task::suspend)"
#endif

namespace mv {

class ReadAheadBudget {
 public:
  struct Limits {
    size_t bytes = 0;    // message bytes held; 0: no bound
    size_t batches = 0;  // batches counted (see above); 0: no bound
    std::chrono::milliseconds stale_after{1000};
    // True while the DNS resolver has questions queued for its window: the reader then waits
    // (the watchdog polls it). Null: never.
    std::function<bool()> dns_backlog = nullptr;
  };
  explicit ReadAheadBudget(Limits limits);
  ~ReadAheadBudget();
  ReadAheadBudget(const ReadAheadBudget&) = delete;
  ReadAheadBudget& operator=(const ReadAheadBudget&) = delete;

  // Waits (suspending the calling TBB task) until there is room for another batch: fewer bytes in
  // use than the limit and fewer batches counted. A batch is admitted whole once there is room,
  // so the byte bound can be passed by one batch.
  void WaitForRoom();
  // A batch of `bytes` is admitted ...
  void Take(size_t bytes);
  // ... waits for DNS (the ticket goes back to Unpark once its answers are in) ...
  uint64_t Park();
  void Unpark(uint64_t ticket);
  // ... and is done with its bytes.
  void Give(size_t bytes);

  size_t in_use() const;
  size_t peak() const;
  size_t batches() const;  // counted now

 private:
  bool HasRoomLocked() const {
    return (limits_.bytes == 0 || used_ < limits_.bytes) &&
           (limits_.batches == 0 || counted_ < limits_.batches) &&
           !(limits_.dns_backlog && limits_.dns_backlog());
  }
  // The waiting reader, when there is room now; the caller resumes it after unlocking.
  std::optional<tbb::task::suspend_point> WakeLocked();
  void ResumeIfRoom(std::unique_lock<std::mutex>* lock);
  // Uncounts batches once they have been parked for stale_after, and while the reader waits on
  // a DNS backlog, checks every kBacklogPoll whether it is gone.
  void Watch();
  static constexpr std::chrono::milliseconds kBacklogPoll{2};

  const Limits limits_;
  mutable std::mutex mu_;
  size_t used_ = 0;
  size_t peak_ = 0;
  size_t counted_ = 0;
  uint64_t next_ticket_ = 0;
  // Parked batches still counted, by ticket (so oldest first) with the time they parked.
  std::map<uint64_t, std::chrono::steady_clock::time_point> fresh_parked_;
  std::optional<tbb::task::suspend_point> waiter_;  // the reader, while it waits for room
  std::condition_variable watch_cv_;
  bool stopping_ = false;
  std::thread watchdog_;
};

}  // namespace mv
