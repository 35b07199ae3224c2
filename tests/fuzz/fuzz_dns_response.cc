// Fuzzes DNS answer parsing: header, question check, compression pointers, CNAME chains, every
// record type the resolver asks for. The first byte picks the query type.
#include <cstdint>
#include <span>

#include "dns/response_parser.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr mv::DnsType kTypes[] = {mv::DnsType::kTxt,  mv::DnsType::kA,
                                           mv::DnsType::kAaaa, mv::DnsType::kMx,
                                           mv::DnsType::kPtr,  mv::DnsType::kCname};
  const uint8_t knob = size > 0 ? data[0] : 0;
  const mv::DnsType type = kTypes[knob % 6];
  const std::span<const uint8_t> wire(data + (size > 0 ? 1 : 0), size > 0 ? size - 1 : 0);
  const mv::ParsedResponse r = mv::ParseDnsResponse(wire, "example.com", type, 300);
  return r.answer.records.size() > size ? 1 : 0;
}
