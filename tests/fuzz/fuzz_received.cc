// Fuzzes Received header parsing (the hop SPF is checked at) and the receiver host globs.
#include <cstdint>
#include <string_view>

#include "fuzz_input.h"
#include "spf/received.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mv::FuzzInput in(data, size);
  const std::string_view whole = in.rest();
  mv::ReceivedHop hop;
  (void)mv::ParseReceived(whole, &hop);
  // Second use of the same bytes: "PATTERN\nHOST" for the glob matcher.
  const std::string_view pattern = in.TakeUntil('\n');
  (void)mv::HostMatchesGlob(pattern, in.rest());
  return 0;
}
