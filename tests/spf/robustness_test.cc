// Generated inputs (fixed seed, so every run sees the same cases) to check invariants that must
// hold for any input, not just for the hand-written cases: a record that does not parse is a
// permerror, the limits bound the work, macro checking and expansion agree, and the Received parser
// only reports addresses that really parse.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dns/memory_source.h"
#include "spf/received.h"
#include "spf/spf_evaluator.h"
#include "spf/spf_macro.h"
#include "spf/spf_record.h"

namespace mv {
namespace {

class Generator {
 public:
  explicit Generator(uint64_t seed) : state_(seed) {}
  uint32_t Next() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state_ >> 33);
  }
  std::string Join(const std::vector<const char*>& pieces, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += pieces[Next() % pieces.size()];
    return out;
  }

 private:
  uint64_t state_;
};

TEST(SpfRobustness, UnparsableRecordsArePermErrorsAndLimitsHold) {
  const std::vector<const char*> pieces = {
      " ",        " ",          "a",           "mx",
      "ptr",      "ip4:",       "ip6:",        "include:",
      "exists:",  "all",        "-",           "~",
      "?",        "+",          "redirect=",   "exp=",
      "%{d}",     "%{i}",       "%{l1r-}",     "%{c}",
      "%",        "/",          "//",          ":",
      ".",        "24",         "0",           "129",
      "192.0.2.", "2001:db8::", "example.com", "t.example.com",
      "x=",       "\x80",       "\r",          "loop.example.com",
      "%{p}"};
  const std::vector<const char*> good = {"a",
                                         "mx",
                                         "ptr",
                                         "-all",
                                         "~all",
                                         "?all",
                                         "+all",
                                         "a:t.example.com/24",
                                         "mx:example.com//64",
                                         "ip4:192.0.2.0/24",
                                         "ip6:2001:db8::/32",
                                         "-ip4:192.0.2.7",
                                         "include:loop.example.com",
                                         "include:t.example.com",
                                         "exists:%{i}.example.com",
                                         "ptr:example.com",
                                         "redirect=t.example.com",
                                         "exp=t.example.com",
                                         "x-note=%{l}",
                                         "a:%{d}",
                                         "exists:%{l1r-}.t.example.com"};
  Generator gen(20240108);
  MemoryDnsSource base;
  base.AddTxt("loop.example.com", {"v=spf1 include:loop.example.com a mx"});
  base.AddAddress("t.example.com", "192.0.2.7");
  int parsed = 0, rejected = 0;
  for (int n = 0; n < 3000; ++n) {
    std::string record = "v=spf1";
    const int terms = 1 + static_cast<int>(gen.Next() % 8);
    for (int t = 0; t < terms; ++t) {
      record += " ";
      // Mostly well-formed terms, so that evaluation is exercised too; sometimes generated junk.
      record += gen.Next() % 6 ? good[gen.Next() % good.size()]
                               : gen.Join(pieces, 1 + static_cast<int>(gen.Next() % 4));
    }
    Result<SpfRecord> r = ParseSpfRecord(record);
    MemoryDnsSource dns = base;
    dns.AddTxt("example.com", {record});
    SpfEvaluatorOptions options;
    options.default_explanation = "DEFAULT";
    SpfEvaluator evaluator(&dns, options);
    SpfRequest request;
    request.ip = *IpAddress::Parse(gen.Next() % 2 ? "192.0.2.7" : "2001:db8::7");
    request.domain = "example.com";
    request.sender = "user@example.com";
    request.helo = "helo.example.com";
    SpfVerdict v = evaluator.CheckHost(request);
    if (r.ok()) {
      ++parsed;
      for (const SpfDirective& d : r->directives) {
        EXPECT_TRUE(d.domain_spec.empty() || IsValidDomainSpec(d.domain_spec)) << record;
      }
    } else {
      ++rejected;
      EXPECT_FALSE(r.error().empty());
      EXPECT_EQ(v.result, SpfResult::kPermError) << record;
    }
    EXPECT_LE(v.lookups, 11) << record;
    EXPECT_LE(v.void_lookups, 3) << record;
    // An explanation belongs to "fail" only, and "fail" always has one (here at least the default).
    EXPECT_EQ(v.explanation.empty(), v.result != SpfResult::kFail) << record;
  }
  // The generator must exercise both paths for the invariants to mean anything.
  EXPECT_GT(parsed, 500);
  EXPECT_GT(rejected, 500);
}

TEST(SpfRobustness, MacroCheckingAndExpansionAgree) {
  const std::vector<const char*> pieces = {"%{", "}", "%", "%%", "%_", "%-", "d", "D",   "i", "l",
                                           "s",  "o", "h", "c",  "r",  "t",  "v", "p",   "x", "2",
                                           "0",  "r", ".", "-",  "+",  " ",  "a", "\x7f"};
  Generator gen(7208);
  IpAddress ip = *IpAddress::Parse("2001:db8::1");
  SpfMacroValues values;
  values.sender = "a-b@example.com";
  values.local_part = "a-b";
  values.sender_domain = "example.com";
  values.domain = "sub.example.com";
  values.ip = &ip;
  int valid = 0;
  for (int n = 0; n < 5000; ++n) {
    const std::string text = gen.Join(pieces, 1 + static_cast<int>(gen.Next() % 10));
    for (MacroContext c :
         {MacroContext::kDomainSpec, MacroContext::kUnknownModifier, MacroContext::kExplanation}) {
      std::string out;
      const bool ok = IsValidMacroString(text, c);
      EXPECT_EQ(ExpandMacroString(text, values, c, &out), ok) << text;
      valid += ok;
    }
  }
  EXPECT_GT(valid, 500);
}

TEST(SpfRobustness, ReceivedParserReportsOnlyRealAddresses) {
  const std::vector<const char*> pieces = {
      "from ", "by ",       "with ",      "id ",   "for ",        "(",      ")",     "[",
      "]",     "192.0.2.1", "198.41.0.4", "IPv6:", "2001:db8::1", "helo=",  "HELO ", " ",
      ";",     "x.example", "@",          ":25",   "unknown",     "\r\n\t", "\\",    "\""};
  Generator gen(5321);
  int with_ip = 0;
  for (int n = 0; n < 5000; ++n) {
    const std::string value = (gen.Next() % 4 ? "from " : "") +
                              gen.Join(pieces, 1 + static_cast<int>(gen.Next() % 8)) +
                              (gen.Next() % 4 ? " by mx.example" : "") +
                              gen.Join(pieces, static_cast<int>(gen.Next() % 4));
    ReceivedHop hop;
    ParseReceived(value, &hop);
    if (hop.ip) {
      ++with_ip;
      std::optional<IpAddress> again = IpAddress::Parse(hop.ip->ToString());
      ASSERT_TRUE(again) << value;
      EXPECT_EQ(*again, *hop.ip) << value;
      EXPECT_TRUE(hop.has_from) << value;
    }
  }
  EXPECT_GT(with_ip, 200);
}

}  // namespace
}  // namespace mv
