// Fuzzes DMARC record parsing (tag list, policies, pct, URIs, report intervals).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dmarc/dmarc_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)mv::IsDmarcRecord(text);
  const mv::Result<mv::DmarcRecord> record = mv::ParseDmarcRecord(text);
  if (record.ok()) {
    if (record->pct < 0 || record->pct > 100) std::abort();
    if (record->policy != "none" && record->policy != "quarantine" && record->policy != "reject") {
      std::abort();
    }
  }
  return 0;
}
