#include "archive/mapped_window.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>

namespace mv {

namespace {

std::atomic<uint64_t> g_live_windows{0};

// Live windows, for the SIGBUS handler: it may only read lock-free atomics. A slot is free when
// `begin` is 0. Windows in flight are few (bounded by the messages the pipeline holds); the table
// is far larger than any run needs.
struct WindowSlot {
  std::atomic<uintptr_t> begin{0};
  std::atomic<uintptr_t> end{0};
  std::atomic<bool> damaged{false};
};
constexpr size_t kWindowSlots = 4096;
WindowSlot g_slots[kWindowSlots];
std::mutex g_slots_mu;  // taken to claim or free a slot, never by the handler
std::atomic<bool> g_any_damage{false};
uintptr_t g_page = 4096;
struct sigaction g_previous_sigbus;

void OnSigbus(int sig, siginfo_t* info, void* context) {
  const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
  for (WindowSlot& slot : g_slots) {
    const uintptr_t begin = slot.begin.load(std::memory_order_acquire);
    if (begin == 0 || addr < begin || addr >= slot.end.load(std::memory_order_acquire)) continue;
    // The file shrank under this window: zero pages from the faulting one to the window's end,
    // then the faulting instruction runs again and reads zeros.
    const uintptr_t page = addr & ~(g_page - 1);
    const size_t length = slot.end.load(std::memory_order_acquire) - page;
    if (::mmap(reinterpret_cast<void*>(page), length, PROT_READ,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
      slot.damaged.store(true, std::memory_order_release);
      g_any_damage.store(true, std::memory_order_release);
      return;
    }
    break;
  }
  // Not one of our windows: what would have happened without us.
  if (g_previous_sigbus.sa_flags & SA_SIGINFO) {
    if (g_previous_sigbus.sa_sigaction != nullptr) {
      g_previous_sigbus.sa_sigaction(sig, info, context);
      return;
    }
  } else if (g_previous_sigbus.sa_handler != SIG_DFL && g_previous_sigbus.sa_handler != SIG_IGN) {
    g_previous_sigbus.sa_handler(sig);
    return;
  }
  ::sigaction(SIGBUS, &g_previous_sigbus, nullptr);  // returning faults again, now with that action
}

void InstallSigbusHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    struct sigaction action {};
    action.sa_sigaction = OnSigbus;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, &g_previous_sigbus);
  });
}

// Returns the slot index, or -1 when the table is full.
int ClaimSlot(uintptr_t begin, uintptr_t end) {
  std::lock_guard<std::mutex> lock(g_slots_mu);
  for (size_t i = 0; i < kWindowSlots; ++i) {
    if (g_slots[i].begin.load(std::memory_order_relaxed) != 0) continue;
    g_slots[i].damaged.store(false, std::memory_order_relaxed);
    g_slots[i].end.store(end, std::memory_order_relaxed);
    g_slots[i].begin.store(begin, std::memory_order_release);
    return static_cast<int>(i);
  }
  return -1;
}

void FreeSlot(int slot) {
  std::lock_guard<std::mutex> lock(g_slots_mu);
  g_slots[slot].begin.store(0, std::memory_order_release);
}

struct Unmapper {
  void* base;
  size_t length;
  int slot;
  void operator()(const char*) const {
    FreeSlot(slot);  // before munmap: the handler must never remap a range that is not ours
    ::munmap(base, length);
    g_live_windows.fetch_sub(1, std::memory_order_relaxed);
  }
};

uint64_t PageSize() {
  static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

}  // namespace

Result<std::shared_ptr<const char>> MapFileRange(int fd, uint64_t offset, size_t length) {
  const uint64_t aligned = offset & ~(PageSize() - 1);
  const size_t lead = static_cast<size_t>(offset - aligned);
  const size_t map_length = lead + length;
  InstallSigbusHandler();
  void* base = ::mmap(nullptr, map_length, PROT_READ, MAP_PRIVATE, fd, static_cast<off_t>(aligned));
  if (base == MAP_FAILED) return Status::Error(std::string("mmap failed: ") + std::strerror(errno));
  const auto begin = reinterpret_cast<uintptr_t>(base);
  const int slot = ClaimSlot(begin, begin + map_length);
  if (slot < 0) {
    ::munmap(base, map_length);
    return Status::Error("too many mapped windows in flight");
  }
  // Measured on the 20k-message corpus (page cache warm), 1 and 2 threads: MADV_SEQUENTIAL was at
  // least as cheap as no advice, MAP_POPULATE and MADV_WILLNEED, and unlike MAP_POPULATE it does
  // not make the whole window resident up front; for a cold file it asks for aggressive readahead.
  ::madvise(base, map_length, MADV_SEQUENTIAL);
  g_live_windows.fetch_add(1, std::memory_order_relaxed);
  const char* data = static_cast<const char*>(base) + lead;
  return std::shared_ptr<const char>(data, Unmapper{base, map_length, slot});
}

bool MappedBytesDamaged(const void* p) {
  if (!g_any_damage.load(std::memory_order_acquire)) return false;
  const auto addr = reinterpret_cast<uintptr_t>(p);
  std::lock_guard<std::mutex> lock(g_slots_mu);
  for (const WindowSlot& slot : g_slots) {
    const uintptr_t begin = slot.begin.load(std::memory_order_acquire);
    if (begin != 0 && addr >= begin && addr < slot.end.load(std::memory_order_acquire)) {
      return slot.damaged.load(std::memory_order_acquire);
    }
  }
  return false;
}

uint64_t LiveMappedWindows() {
  return g_live_windows.load(std::memory_order_relaxed);
}

}  // namespace mv
