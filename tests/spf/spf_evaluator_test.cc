#include "spf/spf_evaluator.h"

#include <gtest/gtest.h>

#include "dns/memory_source.h"

namespace mv {
namespace {

SpfRequest Request(const char* ip, const char* sender, const char* helo = "mail.example.org") {
  SpfRequest r;
  r.ip = *IpAddress::Parse(ip);
  r.sender = sender;
  r.domain = std::string(sender).substr(std::string(sender).rfind('@') + 1);
  r.helo = helo;
  return r;
}

TEST(SpfEvaluator, FollowsIncludesAndCountsLookups) {
  MemoryDnsSource dns;
  dns.AddTxt("example.com", {"v=spf1 mx include:_spf.provider.example ", "-all"});
  dns.Add("example.com", DnsRecord{DnsType::kMx, 300, {}, "mx1.example.com", 10, {}});
  dns.AddAddress("mx1.example.com", "198.51.100.10");
  dns.AddTxt("_spf.provider.example", {"v=spf1 ip4:203.0.113.0/24 ~all"});
  SpfEvaluator evaluator(&dns);
  SpfVerdict v = evaluator.CheckHost(Request("203.0.113.77", "alice@example.com"));
  EXPECT_EQ(v.result, SpfResult::kPass);
  EXPECT_EQ(v.mechanism, "include:_spf.provider.example");
  EXPECT_EQ(v.lookups, 2);
  EXPECT_EQ(v.void_lookups, 0);
  v = evaluator.CheckHost(Request("198.51.100.10", "alice@example.com"));
  EXPECT_EQ(v.result, SpfResult::kPass);
  EXPECT_EQ(v.mechanism, "mx");
  v = evaluator.CheckHost(Request("192.0.2.1", "alice@example.com"));
  EXPECT_EQ(v.result, SpfResult::kFail);
  EXPECT_EQ(v.mechanism, "-all");
  EXPECT_NE(v.reason.find("-all"), std::string::npos);
}

// Target names without macros are used as written, less one trailing dot; one longer than 253
// bytes loses labels from the left (RFC 7208 7.3), as an expanded one does.
TEST(SpfEvaluator, LiteralTargetsDropTheTrailingDotAndAreTruncatedFromTheLeft) {
  std::string long_name;
  for (int i = 0; i < 40; ++i) long_name += "label" + std::to_string(i) + ".";
  long_name += "example.net";  // 40 labels of 6-7 bytes: more than 253 bytes in all
  ASSERT_GT(long_name.size(), 253u);
  std::string truncated = long_name;
  while (truncated.size() > 253) truncated.erase(0, truncated.find('.') + 1);
  MemoryDnsSource dns;
  dns.AddTxt("example.com", {"v=spf1 a:host.example.net. a:" + long_name + " -all"});
  dns.AddAddress("host.example.net", "192.0.2.10");
  dns.AddAddress(truncated, "192.0.2.20");
  SpfEvaluator evaluator(&dns);
  SpfVerdict v = evaluator.CheckHost(Request("192.0.2.10", "a@example.com"));
  EXPECT_EQ(v.result, SpfResult::kPass);
  EXPECT_EQ(v.mechanism, "a:host.example.net.");
  v = evaluator.CheckHost(Request("192.0.2.20", "a@example.com"));
  EXPECT_EQ(v.result, SpfResult::kPass) << v.reason;
  EXPECT_EQ(v.lookups, 2);
}

TEST(SpfEvaluator, ExplainsFailWithMacrosAndUsesTheDefaultOtherwise) {
  MemoryDnsSource dns;
  dns.AddTxt("example.com", {"v=spf1 -all exp=why.%{d}"});
  dns.AddTxt("why.example.com", {"%{i} may not send for %{d} (", "checked by %{r} at %{t})"});
  dns.AddTxt("plain.example.com", {"v=spf1 -all"});
  SpfEvaluatorOptions options;
  options.default_explanation = "see policy";
  options.receiver = "mx.receiver.example";
  options.now = 1234;
  SpfEvaluator evaluator(&dns, options);
  SpfVerdict v = evaluator.CheckHost(Request("192.0.2.9", "bob@example.com"));
  EXPECT_EQ(v.result, SpfResult::kFail);
  EXPECT_EQ(v.explanation,
            "192.0.2.9 may not send for example.com (checked by mx.receiver.example at 1234)");
  v = evaluator.CheckHost(Request("192.0.2.9", "bob@plain.example.com"));
  EXPECT_EQ(v.explanation, "see policy");
}

TEST(SpfEvaluator, EnforcesTheLookupAndVoidLimits) {
  MemoryDnsSource dns;
  std::string record = "v=spf1";
  for (int i = 0; i < 11; ++i) {
    std::string host = "h";
    host.append(std::to_string(i)).append(".example.com");
    std::string address = "198.51.100.";
    address.append(std::to_string(i));
    dns.AddAddress(host, address);
    record.append(" a:").append(host);
  }
  record.append(" -all");
  dns.AddTxt("many.example.com", {record});
  dns.AddTxt("voids.example.com",
             {"v=spf1 a:n1.example.com a:n2.example.com a:n3.example.com ?all"});
  SpfEvaluator evaluator(&dns);
  SpfVerdict v = evaluator.CheckHost(Request("198.51.100.9", "x@many.example.com"));
  EXPECT_EQ(v.result, SpfResult::kPass);  // the tenth term matches
  EXPECT_EQ(v.lookups, 10);
  v = evaluator.CheckHost(Request("198.51.100.10", "x@many.example.com"));
  EXPECT_EQ(v.result, SpfResult::kPermError);
  EXPECT_EQ(v.lookups, 11);
  v = evaluator.CheckHost(Request("192.0.2.1", "x@voids.example.com"));
  EXPECT_EQ(v.result, SpfResult::kPermError);
  EXPECT_EQ(v.void_lookups, 3);
  SpfEvaluatorOptions lax;
  lax.max_void_lookups = -1;
  EXPECT_EQ(SpfEvaluator(&dns, lax).CheckHost(Request("192.0.2.1", "x@voids.example.com")).result,
            SpfResult::kNeutral);
}

TEST(SpfEvaluator, ReportsNoneTempErrorAndPermError) {
  MemoryDnsSource dns;
  dns.AddTxt("two.example.com", {"v=spf1 -all"});
  dns.AddTxt("two.example.com", {"v=spf1 +all"});
  dns.AddTxt("other.example.com", {"google-site-verification=abc"});
  dns.SetFailure("down.example.com", DnsStatus::kTempError);
  SpfEvaluator evaluator(&dns);
  EXPECT_EQ(evaluator.CheckHost(Request("192.0.2.1", "a@two.example.com")).result,
            SpfResult::kPermError);
  EXPECT_EQ(evaluator.CheckHost(Request("192.0.2.1", "a@other.example.com")).result,
            SpfResult::kNone);
  EXPECT_EQ(evaluator.CheckHost(Request("192.0.2.1", "a@missing.example.com")).result,
            SpfResult::kNone);
  EXPECT_EQ(evaluator.CheckHost(Request("192.0.2.1", "a@down.example.com")).result,
            SpfResult::kTempError);
  EXPECT_EQ(evaluator.CheckHost(Request("192.0.2.1", "a@localhost")).result, SpfResult::kNone);
}

TEST(SpfEvaluator, ValidatesPtrNamesBeforeMatching) {
  MemoryDnsSource dns;
  dns.AddTxt("example.com", {"v=spf1 ptr -all"});
  dns.Add("10.2.0.192.in-addr.arpa", DnsRecord{DnsType::kPtr, 300, {}, "mail.example.com", 0, {}});
  dns.Add("11.2.0.192.in-addr.arpa", DnsRecord{DnsType::kPtr, 300, {}, "liar.example.com", 0, {}});
  dns.AddAddress("mail.example.com", "192.0.2.10");
  dns.AddAddress("liar.example.com", "192.0.2.99");
  SpfEvaluator evaluator(&dns);
  EXPECT_EQ(evaluator.CheckHost(Request("192.0.2.10", "a@example.com")).result, SpfResult::kPass);
  EXPECT_EQ(evaluator.CheckHost(Request("192.0.2.11", "a@example.com")).result, SpfResult::kFail);
}

TEST(SpfEvaluator, DomainChecks) {
  EXPECT_TRUE(IsCheckableSpfDomain("example.com"));
  EXPECT_TRUE(IsCheckableSpfDomain("example.com."));
  EXPECT_FALSE(IsCheckableSpfDomain("localhost"));
  EXPECT_FALSE(IsCheckableSpfDomain("a..example.com"));
  EXPECT_FALSE(IsCheckableSpfDomain("[192.0.2.1]"));
  EXPECT_FALSE(IsCheckableSpfDomain("192.0.2.1"));
  EXPECT_FALSE(IsCheckableSpfDomain(std::string(64, 'a') + ".example.com"));
  EXPECT_TRUE(IsCheckableSpfDomain(std::string(63, 'a') + ".example.com"));
}

}  // namespace
}  // namespace mv
