// FuzzInput: a libFuzzer input split into a few option bytes and the rest, so one target can reach
// several configurations (mbox dialect, chunk size, DNS type) from the same corpus.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mv {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

  // The next byte, or 0 when the input is used up (the option then takes its first value).
  uint8_t TakeByte() {
    if (rest_.empty()) return 0;
    const uint8_t b = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return b;
  }

  // Splits what is left at the first occurrence of `sep` (the part after it stays).
  std::string_view TakeUntil(char sep) {
    const size_t at = rest_.find(sep);
    std::string_view head = rest_.substr(0, at);
    rest_.remove_prefix(at == std::string_view::npos ? rest_.size() : at + 1);
    return head;
  }

  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

}  // namespace mv
