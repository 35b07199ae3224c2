#include "pipeline/read_ahead_budget.h"

#include <algorithm>

namespace mv {

ReadAheadBudget::ReadAheadBudget(Limits limits) : limits_(limits) {
  // Stale batches and the DNS backlog change without a call to tell the reader: the watchdog does.
  if (limits_.batches > 0 || limits_.dns_backlog) watchdog_ = std::thread([this] { Watch(); });
}

ReadAheadBudget::~ReadAheadBudget() {
  if (!watchdog_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  watch_cv_.notify_one();
  watchdog_.join();
}

void ReadAheadBudget::WaitForRoom() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (HasRoomLocked()) return;
  }
  tbb::task::suspend([this](tbb::task::suspend_point tag) {
    std::unique_lock<std::mutex> lock(mu_);
    if (HasRoomLocked()) {
      lock.unlock();
      tbb::task::resume(tag);
      return;
    }
    waiter_ = tag;
    if (limits_.dns_backlog) watch_cv_.notify_one();  // the watchdog polls the backlog for it
  });
}

void ReadAheadBudget::Take(size_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  used_ += bytes;
  ++counted_;
  peak_ = std::max(peak_, used_);
}

uint64_t ReadAheadBudget::Park() {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t ticket = next_ticket_++;
  if (limits_.batches == 0) return ticket;
  const bool first = fresh_parked_.empty();
  fresh_parked_.emplace(ticket, std::chrono::steady_clock::now());
  if (first) watch_cv_.notify_one();  // otherwise the watchdog already waits for an older one
  return ticket;
}

void ReadAheadBudget::Unpark(uint64_t ticket) {
  std::lock_guard<std::mutex> lock(mu_);
  if (limits_.batches == 0) return;
  // Still fresh: it was counted all along. Gone stale: it counts again now that it works.
  if (fresh_parked_.erase(ticket) == 0) ++counted_;
}

void ReadAheadBudget::Give(size_t bytes) {
  std::unique_lock<std::mutex> lock(mu_);
  used_ -= std::min(bytes, used_);
  counted_ -= std::min<size_t>(1, counted_);
  ResumeIfRoom(&lock);
}

void ReadAheadBudget::Watch() {
  std::unique_lock<std::mutex> lock(mu_);
  using Clock = std::chrono::steady_clock;
  while (!stopping_) {
    // A backlog goes away without telling anyone: poll for it while the reader waits.
    const bool poll = waiter_ && limits_.dns_backlog;
    if (poll) ResumeIfRoom(&lock);
    const Clock::time_point now = Clock::now();
    Clock::time_point wake = poll ? now + kBacklogPoll : Clock::time_point::max();
    if (!fresh_parked_.empty()) {
      const auto oldest = fresh_parked_.begin();
      const auto stale_at = oldest->second + limits_.stale_after;
      if (now >= stale_at) {
        fresh_parked_.erase(oldest);
        counted_ -= std::min<size_t>(1, counted_);
        ResumeIfRoom(&lock);
        continue;
      }
      wake = std::min(wake, stale_at);
    }
    if (wake == Clock::time_point::max()) {
      watch_cv_.wait(lock);
    } else {
      watch_cv_.wait_until(lock, wake);
    }
  }
}

std::optional<tbb::task::suspend_point> ReadAheadBudget::WakeLocked() {
  std::optional<tbb::task::suspend_point> wake;
  if (waiter_ && HasRoomLocked()) {
    wake = waiter_;
    waiter_.reset();
  }
  return wake;
}

void ReadAheadBudget::ResumeIfRoom(std::unique_lock<std::mutex>* lock) {
  const std::optional<tbb::task::suspend_point> wake = WakeLocked();
  if (!wake) return;
  lock->unlock();
  tbb::task::resume(*wake);
  lock->lock();
}

size_t ReadAheadBudget::in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return used_;
}

size_t ReadAheadBudget::peak() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peak_;
}

size_t ReadAheadBudget::batches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counted_;
}

}  // namespace mv
