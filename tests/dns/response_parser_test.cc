#include "dns/response_parser.h"

#include <gtest/gtest.h>

#include "dns/ldns_records.h"

namespace mv {
namespace {

// Builds a response packet from presentation-format records, as a server would send it.
std::vector<uint8_t> Packet(ldns_pkt_rcode rcode, std::vector<const char*> answer,
                            std::vector<const char*> authority = {}) {
  ldns_pkt* pkt = ldns_pkt_new();
  ldns_pkt_set_qr(pkt, true);
  ldns_pkt_set_rcode(pkt, rcode);
  auto push = [&](ldns_pkt_section section, const char* text) {
    ldns_rr* rr = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&rr, text, 0, nullptr, nullptr), LDNS_STATUS_OK) << text;
    ldns_pkt_push_rr(pkt, section, rr);
  };
  for (const char* t : answer) push(LDNS_SECTION_ANSWER, t);
  for (const char* t : authority) push(LDNS_SECTION_AUTHORITY, t);
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, pkt, &size), LDNS_STATUS_OK);
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);
  ldns_pkt_free(pkt);
  return out;
}

constexpr const char* kSoa =
    "example.com. 3600 IN SOA ns.example.com. h.example.com. 1 3600 600 86400 60";

TEST(ParseDnsResponse, TxtWithTtlsAndSeveralStrings) {
  auto wire = Packet(LDNS_RCODE_NOERROR, {"Example.COM. 300 IN TXT \"v=spf1 \" \"-all\"",
                                          "example.com. 200 IN TXT \"second\"",
                                          "other.example. 5 IN TXT \"not ours\""});
  ParsedResponse p = ParseDnsResponse(wire, "example.com", DnsType::kTxt, 999);
  ASSERT_TRUE(p.answer.ok()) << p.answer.error;
  ASSERT_EQ(p.answer.records.size(), 2u);
  EXPECT_EQ(p.answer.records[0].txt, (std::vector<std::string>{"v=spf1 ", "-all"}));
  EXPECT_EQ(p.answer.records[0].ttl, 300u);
  EXPECT_EQ(p.answer.ttl, 200u);
  EXPECT_EQ(p.answer.source, "dns");
  EXPECT_TRUE(p.follow.empty());
}

TEST(ParseDnsResponse, CnameChainInsideTheAnswer) {
  auto wire = Packet(LDNS_RCODE_NOERROR, {"a.example.com. 50 IN CNAME b.example.com.",
                                          "b.example.com. 500 IN CNAME c.example.net.",
                                          "c.example.net. 400 IN A 192.0.2.9"});
  ParsedResponse p = ParseDnsResponse(wire, "a.example.com", DnsType::kA, 999);
  ASSERT_TRUE(p.answer.ok());
  EXPECT_EQ(p.answer.records.at(0).target, "192.0.2.9");
  EXPECT_EQ(p.answer.cname_chain, (std::vector<std::string>{"a.example.com", "b.example.com"}));
  EXPECT_EQ(p.answer.canonical_name, "c.example.net");
  EXPECT_EQ(p.answer.ttl, 50u);
}

TEST(ParseDnsResponse, CnameIntoAnotherZoneAsksTheTarget) {
  auto wire = Packet(LDNS_RCODE_NOERROR, {"a.example.com. 50 IN CNAME key.provider.example."});
  ParsedResponse p = ParseDnsResponse(wire, "a.example.com", DnsType::kTxt, 999);
  EXPECT_EQ(p.follow, "key.provider.example");
  EXPECT_EQ(p.chain_ttl, 50u);
  EXPECT_EQ(p.answer.cname_chain, std::vector<std::string>{"a.example.com"});
  // With a SOA the server says the target has no such data: NODATA, no re-query.
  auto nodata = Packet(LDNS_RCODE_NOERROR, {"a.example.com. 50 IN CNAME b.example.com."}, {kSoa});
  ParsedResponse q = ParseDnsResponse(nodata, "a.example.com", DnsType::kTxt, 999);
  EXPECT_TRUE(q.follow.empty());
  EXPECT_EQ(q.answer.status, DnsStatus::kNoData);
  EXPECT_EQ(q.answer.canonical_name, "b.example.com");
}

TEST(ParseDnsResponse, NegativeAnswersUseTheSoa) {
  ParsedResponse nx = ParseDnsResponse(Packet(LDNS_RCODE_NXDOMAIN, {}, {kSoa}), "x.example.com",
                                       DnsType::kTxt, 999);
  EXPECT_EQ(nx.answer.status, DnsStatus::kNxDomain);
  EXPECT_EQ(nx.answer.ttl, 60u);  // min(3600, 60)
  ParsedResponse nd = ParseDnsResponse(
      Packet(LDNS_RCODE_NOERROR, {},
             {"example.com. 20 IN SOA ns.example.com. h.example.com. 1 3600 600 86400 60"}),
      "example.com", DnsType::kMx, 999);
  EXPECT_EQ(nd.answer.status, DnsStatus::kNoData);
  EXPECT_EQ(nd.answer.ttl, 20u);
  ParsedResponse bare =
      ParseDnsResponse(Packet(LDNS_RCODE_NOERROR, {}), "example.com", DnsType::kMx, 999);
  EXPECT_EQ(bare.answer.status, DnsStatus::kNoData);
  EXPECT_EQ(bare.answer.ttl, 999u);
}

TEST(ParseDnsResponse, ErrorsAndMalformedAnswers) {
  EXPECT_EQ(ParseDnsResponse(Packet(LDNS_RCODE_SERVFAIL, {}), "a.example", DnsType::kTxt, 1)
                .answer.status,
            DnsStatus::kTempError);
  EXPECT_EQ(
      ParseDnsResponse(Packet(LDNS_RCODE_REFUSED, {}), "a.example", DnsType::kTxt, 1).answer.status,
      DnsStatus::kTempError);
  EXPECT_EQ(
      ParseDnsResponse(Packet(LDNS_RCODE_FORMERR, {}), "a.example", DnsType::kTxt, 1).answer.status,
      DnsStatus::kPermError);
  std::vector<uint8_t> garbage = {0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x05, 0x00};
  ParsedResponse g = ParseDnsResponse(garbage, "a.example", DnsType::kTxt, 1);
  EXPECT_EQ(g.answer.status, DnsStatus::kPermError);
  EXPECT_NE(g.answer.error.find("malformed"), std::string::npos);
  auto truncated = Packet(LDNS_RCODE_NOERROR, {"a.example. 5 IN TXT \"hello world\""});
  truncated.resize(truncated.size() - 4);
  EXPECT_EQ(ParseDnsResponse(truncated, "a.example", DnsType::kTxt, 1).answer.status,
            DnsStatus::kPermError);
  auto loop = Packet(LDNS_RCODE_NOERROR,
                     {"a.example. 5 IN CNAME b.example.", "b.example. 5 IN CNAME a.example."});
  EXPECT_EQ(ParseDnsResponse(loop, "a.example", DnsType::kTxt, 1).answer.status,
            DnsStatus::kPermError);
}

}  // namespace
}  // namespace mv
