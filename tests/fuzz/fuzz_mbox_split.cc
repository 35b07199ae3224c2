// Fuzzes MboxSplitter: every dialect, small chunks (so buffer refills and growth are exercised on
// small inputs) and a small message-size limit. The splitter must end, and the messages it hands
// on must be views into memory it owns.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "archive/byte_source.h"
#include "archive/mbox_splitter.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mv::FuzzInput in(data, size);
  const uint8_t knobs = in.TakeByte();
  mv::ArchiveOptions options;
  options.mbox_variant = static_cast<mv::MboxVariant>(knobs & 3);
  options.chunk_size = size_t{16} << ((knobs >> 2) & 7);  // 16 B .. 2 KB
  options.max_message_size = (knobs & 0x20) ? 64 : (size_t{1} << 20);
  // FileReader consumed the first bytes to tell an mbox from a single message: do the same.
  std::string_view bytes = in.rest();
  std::string_view head = bytes.substr(0, 5);
  mv::MemorySource source(bytes.substr(head.size()));
  mv::MboxSplitter splitter(&source, options, head);
  mv::RawMessage m;
  uint64_t sum = 0;
  // Each record consumes at least one separator, so more records than bytes means a loop.
  for (size_t records = 0;; ++records) {
    if (records > bytes.size() + 2) std::abort();
    const mv::MboxSplitter::Event e = splitter.Next(&m);
    if (e == mv::MboxSplitter::Event::kEnd) break;
    if (m.bytes.size() > options.max_message_size) std::abort();
    for (char c : m.bytes) sum += static_cast<unsigned char>(c);  // touch every byte
  }
  return sum == 1 ? 1 : 0;
}
