#include "dmarc/address.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

std::vector<ParsedMailbox> Parse(std::string_view v) {
  Result<std::vector<ParsedMailbox>> r = ParseAddressList(v);
  EXPECT_TRUE(r.ok()) << v << ": " << r.error();
  return r.ok() ? r.value() : std::vector<ParsedMailbox>{};
}

std::string ErrorOf(std::string_view v) {
  Result<std::vector<ParsedMailbox>> r = ParseAddressList(v);
  EXPECT_FALSE(r.ok()) << v << " was accepted";
  return r.ok() ? std::string() : r.error();
}

TEST(AddressList, NameAddrFields) {
  auto m = Parse("\"Doe, John\" <john.doe@Example.COM>");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].local_part, "john.doe");
  EXPECT_EQ(m[0].domain, "Example.COM");
  EXPECT_EQ(m[0].display_name, "\"Doe, John\"");
  EXPECT_FALSE(m[0].in_group);
}

TEST(AddressList, ListAndGroups) {
  auto m = Parse("a@x.example, Team: b@y.example, \"C\" <c@z.example>;, d@w.example");
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].domain, "x.example");
  EXPECT_TRUE(m[1].in_group);
  EXPECT_EQ(m[2].domain, "z.example");
  EXPECT_TRUE(m[2].in_group);
  EXPECT_FALSE(m[3].in_group);
  EXPECT_TRUE(Parse("undisclosed-recipients:;").empty());
  EXPECT_TRUE(Parse("").empty());
}

TEST(AddressList, CommentsAreRemovedBeforeMimeticSplits) {
  auto m = Parse("(Joe, (nested) \\) comment) joe@example.com (x, y)");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].domain, "example.com");
}

TEST(AddressList, QuotedLocalPartAndFolding) {
  auto m = Parse("\"a,b@c\"@example.com");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].local_part, "\"a,b@c\"");
  m = Parse("Joe\r\n\t<joe@example.com>");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].display_name, "Joe");
  m = Parse("joe @ example . com");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].domain, "example.com");
}

TEST(AddressList, Rfc2047AndUtf8DisplayNames) {
  auto m = Parse("=?iso-8859-1?q?J=F6rg?= <j@example.de>");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].display_name, "=?iso-8859-1?q?J=F6rg?=");
  m = Parse("J\xc3\xb6rg <j@example.de>");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].domain, "example.de");
}

TEST(AddressList, DomainLiteral) {
  auto m = Parse("joe@[192.0.2.1]");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_TRUE(m[0].domain_literal);
}

// Each of these is accepted by mimetic on its own; the grammar check must refuse them.
TEST(AddressList, RejectsWhatMimeticAccepts) {
  EXPECT_NE(ErrorOf("Joe <joe@example.com").find("'>'"), std::string::npos);
  EXPECT_FALSE(ErrorOf("Joe <joe@example.com> extra").empty());
  EXPECT_FALSE(ErrorOf("a b@example.com").empty());
  EXPECT_FALSE(ErrorOf("a@b c.example").empty());
  EXPECT_FALSE(ErrorOf("joe@example.net <joe@example.com>").empty());
  EXPECT_FALSE(ErrorOf("Joe<j@x.example>Bob<b@y.example>").empty());
  EXPECT_FALSE(ErrorOf("joe@example.com;").empty());
  EXPECT_FALSE(ErrorOf("noatsign").empty());
  EXPECT_FALSE(ErrorOf("a@").empty());
  EXPECT_FALSE(ErrorOf("@example.com").empty());
  EXPECT_FALSE(ErrorOf("a..b@example.com").empty());
}

TEST(AddressList, LexicalErrors) {
  EXPECT_NE(ErrorOf("\"open <a@b.example>").find("unterminated quoted string"), std::string::npos);
  EXPECT_NE(ErrorOf("(open a@b.example").find("unterminated comment"), std::string::npos);
  EXPECT_NE(ErrorOf("a@[1.2.3.4").find("unterminated domain literal"), std::string::npos);
  EXPECT_NE(ErrorOf("a@b.example\r\nBcc: x@y.example").find("line break"), std::string::npos);
  EXPECT_NE(ErrorOf("a@b\x01.example").find("control character"), std::string::npos);
  EXPECT_NE(ErrorOf("G: h: a@b.example;;").find("group inside a group"), std::string::npos);
}

TEST(AddressList, ObsRouteIsNotTheDomain) {
  auto m = Parse("<@relay.example:joe@example.com>");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].domain, "example.com");
  // mimetic splits a route of several hops at its comma; the two readings then disagree, and that
  // is reported instead of a wrong mailbox.
  Result<std::vector<ParsedMailbox>> r =
      ParseAddressList("<@a.example,@b.example:joe@example.com>");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("mimetic"), std::string::npos) << r.error();
}

TEST(DnsDomainName, Rules) {
  EXPECT_TRUE(IsDnsDomainName("example.com"));
  EXPECT_TRUE(IsDnsDomainName("example.com."));
  EXPECT_TRUE(IsDnsDomainName("xn--bcher-kva.example"));
  EXPECT_TRUE(
      IsDnsDomainName("b\xc3\xbc"
                      "cher.example"));
  EXPECT_FALSE(IsDnsDomainName(""));
  EXPECT_FALSE(IsDnsDomainName("a..b"));
  EXPECT_FALSE(IsDnsDomainName("-a.example"));
  EXPECT_FALSE(IsDnsDomainName("a-.example"));
  EXPECT_FALSE(IsDnsDomainName("ex!ample.com"));
  EXPECT_FALSE(IsDnsDomainName(std::string(64, 'a') + ".example"));
}

}  // namespace
}  // namespace mv
