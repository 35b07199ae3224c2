// Fuzzes HeaderIndex::Build and its lookups: every field must lie inside the message, in order.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "message/header_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view message(reinterpret_cast<const char*>(data), size);
  const mv::HeaderIndex index = mv::HeaderIndex::Build(message);
  const char* begin = message.data();
  const char* end = begin + message.size();
  size_t last = 0;
  for (const mv::HeaderField& f : index.fields()) {
    if (f.raw.data() < begin || f.raw.data() + f.raw.size() > end) std::abort();
    if (f.offset != static_cast<size_t>(f.raw.data() - begin) || f.offset < last) std::abort();
    last = f.offset;
    if (index.First(f.name) == nullptr || index.Count(f.name) == 0) std::abort();
  }
  if (index.body_offset() > message.size()) std::abort();
  return static_cast<int>(index.All("DKIM-Signature").size() > index.fields().size());
}
