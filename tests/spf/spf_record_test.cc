#include "spf/spf_record.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace mv {
namespace {

bool SameDirectives(const SpfRecord& a, const SpfRecord& b) {
  if (a.directives.size() != b.directives.size()) return false;
  for (size_t i = 0; i < a.directives.size(); ++i) {
    const SpfDirective& x = a.directives[i];
    const SpfDirective& y = b.directives[i];
    if (x.qualifier != y.qualifier || x.mechanism != y.mechanism || x.text != y.text ||
        x.domain_spec != y.domain_spec || x.cidr4 != y.cidr4 || x.cidr6 != y.cidr6 ||
        !(x.network == y.network)) {
      return false;
    }
  }
  return a.redirect == b.redirect && a.exp == b.exp && a.has_redirect == b.has_redirect &&
         a.has_exp == b.has_exp;
}

bool SameParse(const Result<SpfRecord>& a, const Result<SpfRecord>& b) {
  if (a.ok() != b.ok()) return false;
  return a.ok() ? SameDirectives(*a, *b) : a.error() == b.error();
}

// The memoized parse gives what ParseSpfRecord gives (errors too), one shared parse per text whose
// views point into the text it keeps, and stays right under concurrent use.
TEST(SpfRecord, CachedParseEqualsParseAndIsShared) {
  const std::vector<std::string> texts = {
      "v=spf1 mx include:_spf.google.com ip4:203.0.113.0/24 ip6:2001:db8::/32 -all",
      "v=spf1 a/24//64 exists:%{ir}.bl.example.net redirect=other.example exp=why.%{d}",
      "v=spf1 ip4:300.1.2.3 -all",  // a syntax error
      "v=spf1"};
  for (const std::string& t : texts) {
    std::string copy = t;  // the cache must keep its own text, not a view of the caller's
    const auto first = ParseSpfRecordCached(copy);
    copy.assign(copy.size(), '#');
    const auto second = ParseSpfRecordCached(t);
    EXPECT_EQ(first.get(), second.get()) << t;  // the second call is a hit
    EXPECT_EQ(first->text, t);
    EXPECT_TRUE(SameParse(first->parsed, ParseSpfRecord(t))) << t;
    if (first->parsed.ok()) {
      for (const SpfDirective& d : first->parsed->directives) {
        EXPECT_GE(d.text.data(), first->text.data());
        EXPECT_LE(d.text.data() + d.text.size(), first->text.data() + first->text.size());
      }
    }
  }
  EXPECT_FALSE(ParseSpfRecordCached(texts[2])->parsed.ok());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3000; ++i) {
        // Repeated texts and, in between, more distinct ones than the cache keeps.
        std::string text;
        if (i % 2 == 0) {
          text = texts[static_cast<size_t>(i / 2) % texts.size()];
        } else {
          text = "v=spf1 ip4:192.0.2." + std::to_string((i * 4 + t) % 256) + " include:s";
          text += std::to_string(i);
          text += ".example -all";
        }
        if (!SameParse(ParseSpfRecordCached(text)->parsed, ParseSpfRecord(text))) ++wrong;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(SpfRecord, RecognisesVersionOneRecordsOnly) {
  EXPECT_TRUE(IsSpfRecord("v=spf1"));
  EXPECT_TRUE(IsSpfRecord("V=SpF1 -all"));
  EXPECT_FALSE(IsSpfRecord("v=spf10"));
  EXPECT_FALSE(IsSpfRecord("v=spf1mx"));
  EXPECT_FALSE(IsSpfRecord("spf2.0/pra -all"));
}

TEST(SpfRecord, ParsesMechanismsWithDualCidrAndModifiers) {
  Result<SpfRecord> r = ParseSpfRecord(
      "v=spf1  a/24//64 mx:example.com//48 -ip4:192.0.2.0/24 ~ip6:2001:db8::/32 ?ptr "
      "include:_spf.%{d2} exists:%{ir}.bl.example.net redirect=other.example exp=why.%{d} "
      "x-custom=%{l}  ");
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->directives.size(), 7u);
  EXPECT_EQ(r->directives[0].mechanism, SpfMechanism::kA);
  EXPECT_EQ(r->directives[0].cidr4, 24);
  EXPECT_EQ(r->directives[0].cidr6, 64);
  EXPECT_TRUE(r->directives[0].domain_spec.empty());
  EXPECT_EQ(r->directives[1].domain_spec, "example.com");
  EXPECT_EQ(r->directives[1].cidr4, 32);
  EXPECT_EQ(r->directives[1].cidr6, 48);
  EXPECT_EQ(r->directives[2].qualifier, '-');
  EXPECT_EQ(r->directives[2].cidr4, 24);
  EXPECT_EQ(r->directives[3].qualifier, '~');
  EXPECT_TRUE(r->directives[3].network.is_v6());
  EXPECT_EQ(r->directives[4].mechanism, SpfMechanism::kPtr);
  EXPECT_EQ(r->directives[5].domain_spec, "_spf.%{d2}");
  EXPECT_EQ(r->directives[6].mechanism, SpfMechanism::kExists);
  EXPECT_EQ(r->redirect, "other.example");
  EXPECT_EQ(r->exp, "why.%{d}");
}

TEST(SpfRecord, RejectsSyntaxErrorsAnywhere) {
  for (const char* bad : {"v=spf1 ip4:1.2.3.4 -all moo",  // unknown mechanism, even after all
                          "v=spf1 -all.",
                          "v=spf1 -all:foo",
                          "v=spf1 all/8",
                          "v=spf1 a:museum",
                          "v=spf1 a:abc.123",
                          "v=spf1 a:example.-com",
                          "v=spf1 a:",
                          "v=spf1 a/33",
                          "v=spf1 a//129",
                          "v=spf1 a/24/64",
                          "v=spf1 ip4:1.2.3.4/032",
                          "v=spf1 ip4:1.2.3.4//32",
                          "v=spf1 ip4:1.2.3",
                          "v=spf1 ip4",
                          "v=spf1 ip6::CAFE::BABE",
                          "v=spf1 ip6:::1/129",
                          "v=spf1 include",
                          "v=spf1 include:a.example/24",
                          "v=spf1 exists:",
                          "v=spf1 ptr/0",
                          "v=spf1 redirect:a.example",
                          "v=spf1 1up=foo",
                          "v=spf1 =all",
                          "v=spf1 foo=%abc",
                          "v=spf1 exp=",
                          "v=spf1 exp=-all",
                          "v=spf1 redirect=a.example redirect=a.example",
                          "v=spf1 exp=a.example exp=b.example",
                          "v=spf1 exists:%{c}.example.com",
                          "v=spf1 a:foo.example.com\r",
                          "v=spf1 \x80"
                          "a"}) {
    EXPECT_FALSE(ParseSpfRecord(bad).ok()) << bad;
  }
  EXPECT_TRUE(ParseSpfRecord("v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all").ok());
  EXPECT_TRUE(ParseSpfRecord("v=spf1 a:foo:bar/baz.example.com").ok());
  EXPECT_TRUE(ParseSpfRecord("v=spf1 a:foo.example.xn--zckzah -all").ok());
  EXPECT_TRUE(ParseSpfRecord("v=spf1 redirect=%{d}.d.spf.example.com.").ok());
}

}  // namespace
}  // namespace mv
