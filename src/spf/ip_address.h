// IpAddress: the SMTP client address as SPF sees it. An IPv4-mapped IPv6 address is an IPv4 address
// (RFC 7208 5, last paragraph), so mapping is undone at parse time and every later comparison only
// has to compare like with like.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mv {

class IpAddress {
 public:
  // Accepts dotted-quad IPv4 (no leading zeros) and any RFC 4291 IPv6 text form. With `unmap`, an
  // IPv4-mapped IPv6 address becomes IPv4 (right for a client address; wrong for an ip6: network).
  static std::optional<IpAddress> Parse(std::string_view text, bool unmap = true);

  bool is_v6() const { return v6_; }
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }  // IPv4 uses the first 4

  // True when the first `prefix` bits equal those of `network` (same family only).
  bool InNetwork(const IpAddress& network, int prefix) const;
  bool operator==(const IpAddress& other) const = default;

  // Text form: dotted quad, or RFC 5952 lower-case compressed IPv6 (the %{c} macro).
  std::string ToString() const;
  // The %{i} macro: dotted quad, or 32 dot-separated nibbles (upper-case hex, as the OpenSPF suite
  // and pyspf write them; DNS names compare without case, so only explanations can tell).
  std::string DottedForm() const;
  // The PTR query name: "4.3.2.1.in-addr.arpa" or the ip6.arpa nibble name.
  std::string ReverseName() const;

  // False for addresses that cannot be an Internet peer: private, loopback, link-local, CGNAT,
  // documentation, benchmarking, multicast, reserved and unspecified ranges (v4 and v6).
  bool IsPublic() const;
  // True for addresses only seen inside one network — RFC 1918, CGNAT, loopback, link-local,
  // unique-local, unspecified, multicast: a Received hop from one of them is an internal relay. The
  // documentation and benchmarking ranges are not internal (synthetic corpora and RFC examples use
  // them for senders), which is why the trust boundary uses this rather than !IsPublic().
  bool IsInternal() const;

 private:
  bool v6_ = false;
  std::array<uint8_t, 16> bytes_{};
};

}  // namespace mv
