#include "pipeline/byte_budget.h"

#include <algorithm>

namespace mv {

void ByteBudget::WaitForRoom() {
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
  });
}

void ByteBudget::Take(size_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  used_ += bytes;
  peak_ = std::max(peak_, used_);
}

void ByteBudget::Give(size_t bytes) {
  std::optional<tbb::task::suspend_point> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    used_ -= std::min(bytes, used_);
    if (waiter_ && HasRoomLocked()) {
      wake = waiter_;
      waiter_.reset();
    }
  }
  if (wake) tbb::task::resume(*wake);
}

size_t ByteBudget::in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return used_;
}

size_t ByteBudget::peak() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peak_;
}

}  // namespace mv
