// Every hostile-input limit of docs/SECURITY.md: its default, its effect when crossed, and the
// command-line option that sets it. The archive and live-DNS limits are exercised end to end by
// hostile_archive.py (--max-message-size) and dns_faults.py (--dns-max-answer, --dns-max-cname).
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "cli/options.h"
#include "dkim/dkim_verifier.h"
#include "dns/memory_source.h"
#include "dns/zone_loader.h"
#include "message/header_index.h"
#include "spf/spf_evaluator.h"

namespace mv {
namespace {

// prefix + i + suffix, appended piecewise: GCC 12 at -O3 warns (-Wrestrict, a false positive) on
// "literal" + std::to_string(i) + "literal".
std::string Numbered(std::string_view prefix, int i, std::string_view suffix) {
  std::string s(prefix);
  s += std::to_string(i);
  s += suffix;
  return s;
}

std::string Fields(int n) {
  std::string m;
  for (int i = 0; i < n; ++i) m += Numbered("X-Field-", i, ": value\r\n");
  return m;
}

TEST(HeaderLimits, FieldCountStopsIndexingWithAnError) {
  const std::string m = Fields(10) + "\r\nbody\r\n";
  HeaderLimits limits;
  limits.max_fields = 5;
  const HeaderIndex index = HeaderIndex::Build(m, limits);
  EXPECT_EQ(index.fields().size(), 5u);
  EXPECT_EQ(index.error(), "more than 5 header fields");
  EXPECT_EQ(index.body_offset(), m.size());
}

TEST(HeaderLimits, ExactlyTheLimitIsFine) {
  const std::string m = Fields(5) + "\r\nbody\r\n";
  HeaderLimits limits;
  limits.max_fields = 5;
  const HeaderIndex index = HeaderIndex::Build(m, limits);
  EXPECT_EQ(index.fields().size(), 5u);
  EXPECT_EQ(index.error(), "");
  EXPECT_EQ(index.body(), "body\r\n");
}

TEST(HeaderLimits, HeaderBytesStopIndexingWithAnError) {
  const std::string m = Fields(200) + "\r\nbody\r\n";  // about 4 KB of header
  HeaderLimits limits;
  limits.max_header_bytes = 1024;
  const HeaderIndex index = HeaderIndex::Build(m, limits);
  EXPECT_EQ(index.error(), "header section larger than 1024 bytes");
  EXPECT_LT(index.fields().size(), 200u);
  EXPECT_EQ(HeaderIndex::Build(m).error(), "");  // the defaults are far above a real header
}

TEST(HeaderLimits, DefaultsAreDocumented) {
  EXPECT_EQ(HeaderLimits{}.max_header_bytes, size_t{4} << 20);
  EXPECT_EQ(HeaderLimits{}.max_fields, 5000u);
}

// A message signed (badly: b= is not a real signature) with d=mailverify.test s=s2048, whose
// 2048-bit key is in the test zone.
std::string SignedMessage(std::string_view h) {
  return "DKIM-Signature: v=1; a=rsa-sha256; d=mailverify.test; s=s2048; c=relaxed/relaxed;\r\n"
         " h=" +
         std::string(h) +
         "; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n"
         "From: a@mailverify.test\r\nTo: b@example.org\r\nSubject: s\r\n\r\n";
}

class DkimLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        LoadZoneFile(std::string(MV_TEST_DATA) + "/zones/mailverify.test.zone", &dns_).ok());
  }
  std::vector<DkimResult> Verify(const std::string& message, DkimOptions options) {
    options.verify_time = 1700000000;
    DkimVerifier verifier(&dns_, options);
    return verifier.Verify(HeaderIndex::Build(message));
  }
  MemoryDnsSource dns_;
};

TEST_F(DkimLimits, TooManyHNamesIsPermerrorBeforeAnyKeyLookup) {
  const std::string m = SignedMessage("from:to:subject:date:date");
  DkimOptions options;
  options.max_signed_headers = 4;
  const std::vector<DkimResult> r = Verify(m, options);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].result, DkimResultCode::kPermError);
  EXPECT_EQ(r[0].reason, DkimReason::kTagSyntax);
  EXPECT_EQ(r[0].detail, "h= names 5 header fields, more than the limit of 4");
  EXPECT_EQ(r[0].key_bits, 0);  // no key was fetched

  options.max_signed_headers = 5;
  const std::vector<DkimResult> ok = Verify(m, options);
  EXPECT_EQ(ok[0].key_bits, 2048);  // got as far as the key and the crypto
  EXPECT_EQ(ok[0].result, DkimResultCode::kFail);
}

TEST_F(DkimLimits, KeyLargerThanTheLimitIsPermerror) {
  const std::string m = SignedMessage("from:to:subject");
  DkimOptions options;
  options.max_key_bits = 1024;
  const std::vector<DkimResult> r = Verify(m, options);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].result, DkimResultCode::kPermError);
  EXPECT_EQ(r[0].reason, DkimReason::kKeySyntax);
  EXPECT_EQ(r[0].detail, "2048-bit key, larger than the limit of 1024 bits");
  // The default admits every key size OpenSSL verifies (up to 16384 bits).
  EXPECT_EQ(DkimOptions{}.max_key_bits, 16384);
  EXPECT_EQ(Verify(m, DkimOptions{})[0].result, DkimResultCode::kFail);
}

TEST(SpfLimits, LookupLimitIsAnOption) {
  MemoryDnsSource dns;
  dns.AddTxt("example.org", {"v=spf1 include:a.example.org include:b.example.org -all"});
  dns.AddTxt("a.example.org", {"v=spf1 -all"});
  dns.AddTxt("b.example.org", {"v=spf1 +all"});
  SpfRequest request{*IpAddress::Parse("192.0.2.1"), "example.org", "x@example.org", "h.example"};
  SpfEvaluatorOptions options;
  EXPECT_EQ(SpfEvaluator(&dns, options).CheckHost(request).result, SpfResult::kPass);
  options.max_dns_lookups = 1;
  const SpfVerdict v = SpfEvaluator(&dns, options).CheckHost(request);
  EXPECT_EQ(v.result, SpfResult::kPermError);
  EXPECT_NE(v.reason.find("more than 1 DNS-querying terms"), std::string::npos) << v.reason;
}

TEST(SpfLimits, IncludeLoopEndsInPermerror) {
  MemoryDnsSource dns;
  dns.AddTxt("loop.example", {"v=spf1 include:loop.example -all"});
  SpfRequest request{*IpAddress::Parse("192.0.2.1"), "loop.example", "x@loop.example", "h"};
  SpfEvaluatorOptions options;
  options.max_dns_lookups = 1000;  // recursion is then bounded by the fixed depth guard
  EXPECT_EQ(SpfEvaluator(&dns, options).CheckHost(request).result, SpfResult::kPermError);
}

TEST(DnsLimits, MemorySourceCnameChainIsBounded) {
  MemoryDnsSource dns;
  for (int i = 0; i < 20; ++i) {
    dns.AddCname(Numbered("c", i, ".example"), Numbered("c", i + 1, ".example"));
  }
  dns.AddTxt("c20.example", {"end"});
  EXPECT_EQ(dns.Lookup("c12.example", DnsType::kTxt).status, DnsStatus::kOk);
  EXPECT_EQ(dns.Lookup("c0.example", DnsType::kTxt).status, DnsStatus::kPermError);
  dns.AddCname("loop.example", "loop.example");
  EXPECT_EQ(dns.Lookup("loop.example", DnsType::kTxt).status, DnsStatus::kPermError);
}

Result<Options> Parse(std::vector<std::string_view> args) {
  args.insert(args.begin(), "scan");
  args.push_back("x.mbox");
  return ParseOptions(args);
}

TEST(LimitOptions, EachLimitHasAnOption) {
  Result<Options> o = Parse({"--max-message-size",     "1048576", "--max-header-bytes", "65536",
                             "--max-header-fields",    "100",     "--max-h-names",      "50",
                             "--max-key-bits",         "4096",    "--spf-max-lookups",  "20",
                             "--spf-max-void-lookups", "5",       "--dns-max-cname",    "3",
                             "--dns-max-answer",       "4096",    "--max-signatures",   "7"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->max_message_size, 1048576u);
  EXPECT_EQ(o->header_limits.max_header_bytes, 65536u);
  EXPECT_EQ(o->header_limits.max_fields, 100u);
  EXPECT_EQ(o->max_signed_headers, 50u);
  EXPECT_EQ(o->max_key_bits, 4096);
  EXPECT_EQ(o->spf_max_lookups, 20);
  EXPECT_EQ(o->spf_max_void_lookups, 5);
  EXPECT_EQ(o->dns.live.max_cname_queries, 3);
  EXPECT_EQ(o->dns.live.max_answer_bytes, 4096u);
  EXPECT_EQ(o->max_signatures, 7u);
}

TEST(LimitOptions, DefaultsMatchTheModules) {
  Result<Options> o = Parse({});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->max_message_size, size_t{256} << 20);
  EXPECT_EQ(o->header_limits.max_fields, HeaderLimits{}.max_fields);
  EXPECT_EQ(o->max_signed_headers, DkimOptions{}.max_signed_headers);
  EXPECT_EQ(o->max_key_bits, DkimOptions{}.max_key_bits);
  EXPECT_EQ(o->spf_max_lookups, SpfEvaluatorOptions{}.max_dns_lookups);
  EXPECT_EQ(o->spf_max_void_lookups, SpfEvaluatorOptions{}.max_void_lookups);
  EXPECT_EQ(o->dns.live.max_answer_bytes, 65535u);
}

TEST(LimitOptions, OutOfRangeValuesAreUsageErrors) {
  EXPECT_FALSE(Parse({"--max-key-bits", "32768"}).ok());  // beyond what OpenSSL verifies
  EXPECT_FALSE(Parse({"--max-message-size", "10"}).ok());
  EXPECT_FALSE(Parse({"--max-header-fields", "0"}).ok());
  EXPECT_FALSE(Parse({"--dns-max-answer", "100000"}).ok());
  EXPECT_FALSE(Parse({"--spf-max-lookups", "x"}).ok());
}

}  // namespace
}  // namespace mv
