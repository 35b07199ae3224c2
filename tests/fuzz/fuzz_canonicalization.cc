// Fuzzes DKIM canonicalization. Header: both algorithms on arbitrary field text. Body: the hash of
// the body fed in arbitrary chunks must equal the hash of the body fed whole, for both algorithms
// and with an l= limit, since the verifier feeds bodies in whatever pieces the reader produced.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dkim/body_hasher.h"
#include "dkim/canonicalization.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mv::FuzzInput in(data, size);
  const uint8_t knobs = in.TakeByte();
  const uint8_t step = in.TakeByte();
  const std::string_view text = in.rest();
  const mv::Canon canon = (knobs & 1) ? mv::Canon::kRelaxed : mv::Canon::kSimple;

  std::string header;
  mv::AppendCanonicalHeader(canon, text, &header);
  if (canon == mv::Canon::kSimple) {
    // Simple is byte-exact but for bare LFs, which become CRLF (DKIM treats LF as CRLF).
    std::string expected;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) expected.push_back('\r');
      expected.push_back(text[i]);
    }
    if (header != expected) std::abort();
  }
  (void)mv::ParseCanonicalization(text.substr(0, 32));

  const std::optional<uint64_t> limit =
      (knobs & 2) ? std::optional<uint64_t>(knobs >> 2) : std::nullopt;
  const mv::BodyHash whole = mv::ComputeBodyHash(canon, mv::DkimHash::kSha256, limit, text);
  mv::BodyHasher hasher(canon);
  const size_t target = hasher.AddTarget(mv::DkimHash::kSha256, limit);
  const size_t chunk = 1 + step % 61;
  for (size_t at = 0; at < text.size(); at += chunk) hasher.Update(text.substr(at, chunk));
  hasher.Finish();
  if (hasher.digest(target) != whole.digest) std::abort();
  if (hasher.hashed_bytes(target) != whole.hashed_bytes) std::abort();
  if (limit && whole.hashed_bytes > *limit) std::abort();
  return 0;
}
