// Fuzzes SPF macro validation and expansion in each context, with fixed sender values (IPv4 or
// IPv6 by the first byte). A string that validates must expand.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_input.h"
#include "spf/spf_macro.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mv::FuzzInput in(data, size);
  const uint8_t knobs = in.TakeByte();
  static const mv::IpAddress v4 = *mv::IpAddress::Parse("192.0.2.3");
  static const mv::IpAddress v6 = *mv::IpAddress::Parse("2001:db8::cb01");
  mv::SpfMacroValues v;
  v.sender = "strong-bad@email.example.com";
  v.local_part = "strong-bad";
  v.sender_domain = "email.example.com";
  v.domain = "email.example.com";
  v.ip = (knobs & 1) ? &v6 : &v4;
  v.helo = "mx.example.org";
  v.receiver = "receiver.example.net";
  v.now = 1700000000;
  v.validated_name = [] { return std::string("mx.example.org"); };
  const auto context = static_cast<mv::MacroContext>((knobs >> 1) % 3);
  const std::string_view text = in.rest();
  const bool valid = mv::IsValidMacroString(text, context);
  std::string out;
  const bool expanded = mv::ExpandMacroString(text, v, context, &out);
  if (valid && !expanded) std::abort();
  (void)mv::EndsWithMacroExpand(text);
  std::string escaped;
  mv::AppendUrlEscaped(text, &escaped);
  return 0;
}
