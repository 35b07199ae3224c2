// Fuzzes master-file loading ($ORIGIN, $TTL, $INCLUDE refused or resolved, parentheses, quoting,
// every record type) and answers one lookup from what was loaded.
#include <cstdint>
#include <string_view>

#include "dns/zone_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  mv::MemoryDnsSource source;
  const mv::Status s = mv::LoadZoneText(text, "fuzz.zone", &source);
  if (s.ok()) {
    const mv::DnsAnswer a = source.Lookup("example.com", mv::DnsType::kTxt);
    return a.records.size() > size ? 1 : 0;
  }
  return 0;
}
