// Fuzzes SPF record parsing: terms, qualifiers, CIDR lengths, IP literals, domain-specs, modifiers.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "spf/spf_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)mv::IsSpfRecord(text);
  (void)mv::IsValidDomainSpec(text);
  const mv::Result<mv::SpfRecord> record = mv::ParseSpfRecord(text);
  if (record.ok()) {
    for (const mv::SpfDirective& d : record->directives) {
      if (d.cidr4 < 0 || d.cidr4 > 32 || d.cidr6 < 0 || d.cidr6 > 128) std::abort();
      if (d.text.data() < text.data() || d.text.data() + d.text.size() > text.data() + size) {
        std::abort();
      }
    }
  }
  return 0;
}
