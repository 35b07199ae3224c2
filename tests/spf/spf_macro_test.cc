#include "spf/spf_macro.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

// The examples of RFC 7208 7.4.
class MacroTest : public ::testing::Test {
 protected:
  std::string Expand(std::string_view text, MacroContext c = MacroContext::kDomainSpec) {
    SpfMacroValues v;
    v.sender = "strong-bad@email.example.com";
    v.local_part = "strong-bad";
    v.sender_domain = "email.example.com";
    v.domain = "email.example.com";
    v.ip = &ip_;
    v.helo = "mx.example.org";
    v.receiver = "receiver.example.net";
    v.now = 1700000000;
    v.validated_name = [] { return std::string("mx.example.org"); };
    std::string out;
    EXPECT_TRUE(ExpandMacroString(text, v, c, &out)) << text;
    return out;
  }
  IpAddress ip_ = *IpAddress::Parse("192.0.2.3");
};

TEST_F(MacroTest, ExpandsTheRfcExamples) {
  EXPECT_EQ(Expand("%{s}"), "strong-bad@email.example.com");
  EXPECT_EQ(Expand("%{o}"), "email.example.com");
  EXPECT_EQ(Expand("%{d}"), "email.example.com");
  EXPECT_EQ(Expand("%{d4}"), "email.example.com");
  EXPECT_EQ(Expand("%{d3}"), "email.example.com");
  EXPECT_EQ(Expand("%{d2}"), "example.com");
  EXPECT_EQ(Expand("%{d1}"), "com");
  EXPECT_EQ(Expand("%{dr}"), "com.example.email");
  EXPECT_EQ(Expand("%{d2r}"), "example.email");
  EXPECT_EQ(Expand("%{l}"), "strong-bad");
  EXPECT_EQ(Expand("%{l-}"), "strong.bad");
  EXPECT_EQ(Expand("%{lr}"), "strong-bad");
  EXPECT_EQ(Expand("%{lr-}"), "bad.strong");
  EXPECT_EQ(Expand("%{l1r-}"), "strong");
  EXPECT_EQ(Expand("%{ir}.%{v}._spf.%{d2}"), "3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(Expand("%{lr-}.lp._spf.%{d2}"), "bad.strong.lp._spf.example.com");
  EXPECT_EQ(Expand("%{d2}.trusted-domains.example.net"), "example.com.trusted-domains.example.net");
  EXPECT_EQ(Expand("%{p}.x"), "mx.example.org.x");
  EXPECT_EQ(Expand("%{h}"), "mx.example.org");
}

TEST_F(MacroTest, HandlesEscapesAndUpperCaseLetters) {
  EXPECT_EQ(Expand("a%%b%_c%-d"), "a%b c%20d");
  EXPECT_EQ(Expand("%{L}", MacroContext::kExplanation), "strong-bad");
  SpfMacroValues v;
  v.local_part = "~jack&jill=up-a_b3.c";
  std::string out;
  ASSERT_TRUE(ExpandMacroString("l=%{L}", v, MacroContext::kExplanation, &out));
  EXPECT_EQ(out, "l=~jack%26jill%3Dup-a_b3.c");
}

TEST_F(MacroTest, ExplanationOnlyLettersAndSpaces) {
  EXPECT_EQ(Expand("%{c} at %{r} %{t}", MacroContext::kExplanation),
            "192.0.2.3 at receiver.example.net 1700000000");
  EXPECT_FALSE(IsValidMacroString("%{c}.example.com", MacroContext::kDomainSpec));
  EXPECT_FALSE(IsValidMacroString("%{r}.example.com", MacroContext::kDomainSpec));
  EXPECT_TRUE(IsValidMacroString("%{r}.example.com", MacroContext::kUnknownModifier));
  EXPECT_FALSE(IsValidMacroString("a b", MacroContext::kDomainSpec));
  EXPECT_TRUE(IsValidMacroString("a b", MacroContext::kExplanation));
}

TEST(MacroSyntax, RejectsMalformedMacros) {
  for (const char* bad :
       {"%", "foo%", "%(ir)", "%{a}", "%{i0}", "%{ir", "%{d2x}", "%x", "caf\xC3\xA9", "a\rb"}) {
    EXPECT_FALSE(IsValidMacroString(bad, MacroContext::kExplanation)) << bad;
  }
  EXPECT_TRUE(IsValidMacroString("%{l2r+-}.user.%{d2}", MacroContext::kDomainSpec));
  EXPECT_TRUE(EndsWithMacroExpand("x.%{d2}"));
  EXPECT_FALSE(EndsWithMacroExpand("x.%{d2}.com"));
  EXPECT_FALSE(EndsWithMacroExpand("x%%}"));
}

TEST(MacroSyntax, Ipv6AddressesExpandToNibbles) {
  IpAddress ip = *IpAddress::Parse("2001:db8::cb01");
  SpfMacroValues v;
  v.ip = &ip;
  std::string out;
  ASSERT_TRUE(
      ExpandMacroString("%{ir}.%{v}._spf.example.com %{c}", v, MacroContext::kExplanation, &out));
  EXPECT_EQ(out,
            "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com "
            "2001:db8::cb01");
}

}  // namespace
}  // namespace mv
