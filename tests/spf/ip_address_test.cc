#include "spf/ip_address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>

namespace mv {
namespace {

TEST(IpAddress, ParsesBothFamiliesAndUnmapsIpv4MappedIpv6) {
  auto v4 = IpAddress::Parse("192.0.2.1");
  ASSERT_TRUE(v4);
  EXPECT_FALSE(v4->is_v6());
  auto mapped = IpAddress::Parse("::FFFF:192.0.2.1");
  ASSERT_TRUE(mapped);
  EXPECT_FALSE(mapped->is_v6());
  EXPECT_EQ(*mapped, *v4);
  auto kept = IpAddress::Parse("::ffff:192.0.2.1", /*unmap=*/false);
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->is_v6());
  EXPECT_FALSE(IpAddress::Parse("1.2.3"));
  EXPECT_FALSE(IpAddress::Parse("1.2.03.4"));  // no leading zeros in an ip4-network
  EXPECT_FALSE(IpAddress::Parse("256.1.1.1"));
  EXPECT_FALSE(IpAddress::Parse(":CAFE::BABE"));
  EXPECT_FALSE(IpAddress::Parse("1.2.3.4:25"));
}

// ToString formats IPv4 itself; it must write exactly what inet_ntop writes, for every octet value
// in every position.
TEST(IpAddress, Ipv4TextIsWhatInetNtopWrites) {
  int compared = 0;
  for (int pos = 0; pos < 4; ++pos) {
    for (int v = 0; v < 256; ++v) {
      unsigned char b[4] = {192, 0, 2, 1};
      b[pos] = static_cast<unsigned char>(v);
      char expected[INET_ADDRSTRLEN];
      ASSERT_NE(inet_ntop(AF_INET, b, expected, sizeof expected), nullptr);
      std::optional<IpAddress> ip = IpAddress::Parse(expected);
      ASSERT_TRUE(ip.has_value()) << expected;
      ASSERT_EQ(ip->ToString(), std::string(expected));
      ++compared;
    }
  }
  EXPECT_EQ(compared, 1024);
  EXPECT_EQ(IpAddress::Parse("255.255.255.255")->ToString(), "255.255.255.255");
  EXPECT_EQ(IpAddress::Parse("0.0.0.0")->ToString(), "0.0.0.0");
  EXPECT_EQ(IpAddress::Parse("2001:db8::1")->ToString(), "2001:db8::1");
}

TEST(IpAddress, MatchesNetworksOfItsOwnFamilyOnly) {
  auto ip = *IpAddress::Parse("192.0.2.130");
  EXPECT_TRUE(ip.InNetwork(*IpAddress::Parse("192.0.2.128"), 25));
  EXPECT_FALSE(ip.InNetwork(*IpAddress::Parse("192.0.2.0"), 25));
  EXPECT_TRUE(ip.InNetwork(*IpAddress::Parse("1.1.1.1"), 0));
  EXPECT_FALSE(ip.InNetwork(*IpAddress::Parse("::", false), 0));
  auto v6 = *IpAddress::Parse("2001:db8:1234::cafe");
  EXPECT_TRUE(v6.InNetwork(*IpAddress::Parse("2001:db8:1234::dead:beef"), 64));
  EXPECT_FALSE(v6.InNetwork(*IpAddress::Parse("2001:db8:1235::"), 48));
  EXPECT_TRUE(v6.InNetwork(*IpAddress::Parse("2001:db8:1235::"), 47));
}

TEST(IpAddress, WritesMacroAndReverseForms) {
  auto v6 = *IpAddress::Parse("2001:DB8::CB01");
  EXPECT_EQ(v6.ToString(), "2001:db8::cb01");
  EXPECT_EQ(v6.DottedForm(), "2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1");
  EXPECT_EQ(v6.ReverseName(),
            "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  auto v4 = *IpAddress::Parse("192.0.2.3");
  EXPECT_EQ(v4.DottedForm(), "192.0.2.3");
  EXPECT_EQ(v4.ReverseName(), "3.2.0.192.in-addr.arpa");
}

TEST(IpAddress, TellsPublicFromNonRoutableAddresses) {
  for (const char* s : {"10.1.2.3", "172.20.0.1", "192.168.1.1", "127.0.0.1", "169.254.9.9",
                        "100.64.0.1", "192.0.2.1", "198.51.100.7", "203.0.113.9", "0.0.0.0",
                        "224.0.0.1", "::1", "fe80::1", "fd00::1", "2001:db8::1", "::"}) {
    EXPECT_FALSE(IpAddress::Parse(s)->IsPublic()) << s;
  }
  for (const char* s : {"209.85.220.41", "40.107.22.55", "100.128.0.1", "172.32.0.1",
                        "2a00:1450:4864:20::42a", "2603:10a6:20b:1::5"}) {
    EXPECT_TRUE(IpAddress::Parse(s)->IsPublic()) << s;
  }
}

TEST(IpAddress, InternalHopsAreOnlyTheNetworkLocalRanges) {
  for (const char* s : {"10.1.2.3", "172.20.0.1", "192.168.1.1", "127.0.0.1", "169.254.9.9",
                        "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fd00::1", "::"}) {
    EXPECT_TRUE(IpAddress::Parse(s)->IsInternal()) << s;
  }
  // Documentation and benchmarking ranges stand for senders in examples and synthetic corpora.
  for (const char* s : {"192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1", "2001:db8::1",
                        "209.85.220.41", "2a00:1450:4864:20::42a"}) {
    EXPECT_FALSE(IpAddress::Parse(s)->IsInternal()) << s;
  }
}

}  // namespace
}  // namespace mv
