#include "spf/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace mv {
namespace {

bool ParseIpv4(std::string_view text, uint8_t out[4]) {
  int part = 0;
  size_t i = 0;
  while (part < 4) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
    // RFC 7208 ip4-network: dec-octet, which has no leading zeros.
    if (text[i] == '0' && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
      return false;
    }
    int value = 0;
    size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 4) {
      value = value * 10 + (text[i] - '0');
      ++i;
      ++digits;
    }
    if (digits > 3 || value > 255) return false;
    out[part++] = static_cast<uint8_t>(value);
    if (part < 4) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
  }
  return i == text.size();
}

constexpr char kHex[] = "0123456789abcdef";
constexpr char kHexUpper[] = "0123456789ABCDEF";

struct Range {
  uint8_t bytes[16];
  int prefix;
};

bool InRange(const uint8_t* a, const uint8_t* net, int prefix) {
  int full = prefix / 8;
  if (std::memcmp(a, net, full) != 0) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (a[full] & mask) == (net[full] & mask);
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text, bool unmap) {
  IpAddress ip;
  if (text.find(':') == std::string_view::npos) {
    if (!ParseIpv4(text, ip.bytes_.data())) return std::nullopt;
    return ip;
  }
  if (text.size() > 45) return std::nullopt;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (inet_pton(AF_INET6, buf, ip.bytes_.data()) != 1) return std::nullopt;
  ip.v6_ = true;
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (unmap && std::memcmp(ip.bytes_.data(), kMapped, 12) == 0) {
    std::memmove(ip.bytes_.data(), ip.bytes_.data() + 12, 4);
    std::memset(ip.bytes_.data() + 4, 0, 12);
    ip.v6_ = false;
  }
  return ip;
}

bool IpAddress::InNetwork(const IpAddress& network, int prefix) const {
  if (v6_ != network.v6_) return false;
  const int max = v6_ ? 128 : 32;
  if (prefix < 0 || prefix > max) return false;
  return InRange(bytes_.data(), network.bytes_.data(), prefix);
}

std::string IpAddress::ToString() const {
  if (!v6_) {
    // What inet_ntop writes ("%u.%u.%u.%u"), without its printf: every message's JSON has one. At
    // most 15 bytes, so the string never allocates.
    std::string out;
    for (int i = 0; i < 4; ++i) {
      if (i > 0) out.push_back('.');
      const unsigned v = bytes_[i];
      if (v >= 100) out.push_back(static_cast<char>('0' + v / 100));
      if (v >= 10) out.push_back(static_cast<char>('0' + v / 10 % 10));
      out.push_back(static_cast<char>('0' + v % 10));
    }
    return out;
  }
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(v6_ ? AF_INET6 : AF_INET, bytes_.data(), buf, sizeof buf);
  return buf;
}

std::string IpAddress::DottedForm() const {
  if (!v6_) return ToString();
  std::string out;
  out.reserve(63);
  for (int i = 0; i < 16; ++i) {
    if (i) out.push_back('.');
    out.push_back(kHexUpper[bytes_[i] >> 4]);
    out.push_back('.');
    out.push_back(kHexUpper[bytes_[i] & 15]);
  }
  return out;
}

std::string IpAddress::ReverseName() const {
  std::string out;
  if (!v6_) {
    for (int i = 3; i >= 0; --i) {
      out += std::to_string(bytes_[i]);
      out.push_back('.');
    }
    out += "in-addr.arpa";
    return out;
  }
  out.reserve(73);
  for (int i = 15; i >= 0; --i) {
    out.push_back(kHex[bytes_[i] & 15]);
    out.push_back('.');
    out.push_back(kHex[bytes_[i] >> 4]);
    out.push_back('.');
  }
  out += "ip6.arpa";
  return out;
}

// Whether `bytes` lies in any of `ranges`.
template <size_t N>
bool InAnyRange(const uint8_t* bytes, const Range (&ranges)[N]) {
  for (const Range& r : ranges) {
    if (InRange(bytes, r.bytes, r.prefix)) return true;
  }
  return false;
}

bool IpAddress::IsInternal() const {
  static const Range kV4[] = {
      {{0}, 8},          // "this" network
      {{10}, 8},         // RFC 1918
      {{100, 64}, 10},   // CGNAT (RFC 6598)
      {{127}, 8},        // loopback
      {{169, 254}, 16},  // link-local
      {{172, 16}, 12},   // RFC 1918
      {{192, 168}, 16},  // RFC 1918
      {{224}, 4},        // multicast
      {{240}, 4},        // reserved and broadcast
  };
  static const Range kV6[] = {
      {{0}, 96},           // unspecified, loopback, IPv4-compatible
      {{0xfc}, 7},         // unique local
      {{0xfe, 0x80}, 10},  // link-local
      {{0xfe, 0xc0}, 10},  // site-local (deprecated)
      {{0xff}, 8},         // multicast
  };
  return v6_ ? InAnyRange(bytes_.data(), kV6) : InAnyRange(bytes_.data(), kV4);
}

bool IpAddress::IsPublic() const {
  // Beyond the internal ranges: addresses reserved for examples, benchmarks and protocols.
  static const Range kV4[] = {
      {{192, 0, 0}, 24},     // IETF protocol assignments
      {{192, 0, 2}, 24},     // TEST-NET-1
      {{198, 18}, 15},       // benchmarking
      {{198, 51, 100}, 24},  // TEST-NET-2
      {{203, 0, 113}, 24},   // TEST-NET-3
  };
  static const Range kV6[] = {
      {{0x01, 0x00}, 64},                          // discard-only
      {{0x20, 0x01, 0x0d, 0xb8}, 32},              // documentation
      {{0x20, 0x01, 0x00, 0x02, 0x00, 0x00}, 48},  // benchmarking
  };
  if (IsInternal()) return false;
  return !(v6_ ? InAnyRange(bytes_.data(), kV6) : InAnyRange(bytes_.data(), kV4));
}

}  // namespace mv
