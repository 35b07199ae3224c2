// Fuzzes DKIM key-record parsing (tags, base64, OpenSSL's DER decoding of p=), through the cache
// too, which must give the same answer as a direct parse.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dkim/dkim_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view record(reinterpret_cast<const char*>(data), size);
  const mv::DkimKeyParse direct = mv::ParseDkimKeyRecord(record);
  static mv::DkimKeyCache cache(64);
  const mv::DkimKeyParse cached = cache.Get(record);
  if (direct.reason != cached.reason || (direct.key == nullptr) != (cached.key == nullptr)) {
    std::abort();
  }
  if (direct.key && (direct.key->bits <= 0 || direct.key->bits > 16384)) std::abort();
  return 0;
}
