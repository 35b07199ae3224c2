#include "dns/response_parser.h"

#include <algorithm>
#include <memory>

#include "dns/ldns_records.h"

namespace mv {
namespace {

// Bound on CNAMEs followed inside one response (the live source bounds the re-queries too).
constexpr int kMaxCnameHops = 8;

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};

}  // namespace

ParsedResponse ParseDnsResponse(std::span<const uint8_t> wire, std::string_view qname,
                                DnsType qtype, uint32_t fallback_negative_ttl) {
  ParsedResponse out;
  DnsAnswer& answer = out.answer;
  answer.source = "dns";
  ldns_pkt* raw = nullptr;
  ldns_status st = ldns_wire2pkt(&raw, wire.data(), wire.size());
  std::unique_ptr<ldns_pkt, PktFree> pkt(raw);
  if (st != LDNS_STATUS_OK) {
    answer.status = DnsStatus::kPermError;
    answer.error = std::string("malformed DNS response: ") + ldns_get_errorstr_by_id(st);
    return out;
  }
  const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(pkt.get());
  if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
    answer.status = rcode == LDNS_RCODE_FORMERR ? DnsStatus::kPermError : DnsStatus::kTempError;
    answer.error = "DNS server answered rcode " + std::to_string(static_cast<int>(rcode));
    return out;
  }

  const ldns_rr_list* section = ldns_pkt_answer(pkt.get());
  const size_t count = section ? ldns_rr_list_rr_count(section) : 0;
  std::string current = NormalizeDnsName(qname);
  for (int hop = 0;; ++hop) {
    const ldns_rr* cname = nullptr;
    for (size_t i = 0; i < count; ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(section, i);
      if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) continue;
      if (LdnsNameToString(ldns_rr_owner(rr)) != current) continue;
      const auto type = static_cast<uint16_t>(ldns_rr_get_type(rr));
      if (type == static_cast<uint16_t>(qtype)) {
        DnsRecord record;
        if (!RecordFromLdns(rr, &record)) {
          answer.status = DnsStatus::kPermError;
          answer.error = "malformed " + std::string(DnsTypeName(qtype)) + " record at " + current;
          answer.records.clear();
          return out;
        }
        answer.records.push_back(std::move(record));
      } else if (type == LDNS_RR_TYPE_CNAME) {
        cname = rr;
      }
    }
    if (!answer.records.empty() || cname == nullptr || qtype == DnsType::kCname) break;
    if (hop == kMaxCnameHops) {
      answer.status = DnsStatus::kPermError;
      answer.error = "CNAME chain longer than " + std::to_string(kMaxCnameHops) + " at " + current;
      return out;
    }
    answer.cname_chain.push_back(current);
    out.chain_ttl = std::min(out.chain_ttl, ldns_rr_ttl(cname));
    if (ldns_rr_rd_count(cname) != 1) {
      answer.status = DnsStatus::kPermError;
      answer.error = "malformed CNAME at " + current;
      return out;
    }
    current = LdnsNameToString(ldns_rr_rdf(cname, 0));
  }

  if (!answer.cname_chain.empty()) answer.canonical_name = current;
  if (!answer.records.empty()) {
    answer.status = DnsStatus::kOk;
    answer.ttl = out.chain_ttl;
    for (const DnsRecord& r : answer.records) answer.ttl = std::min(answer.ttl, r.ttl);
    return out;
  }

  const ldns_rr* soa = nullptr;
  if (const ldns_rr_list* auth = ldns_pkt_authority(pkt.get())) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(auth) && soa == nullptr; ++i) {
      if (ldns_rr_get_type(ldns_rr_list_rr(auth, i)) == LDNS_RR_TYPE_SOA) {
        soa = ldns_rr_list_rr(auth, i);
      }
    }
  }
  if (rcode == LDNS_RCODE_NOERROR && !answer.cname_chain.empty() && soa == nullptr) {
    // An authoritative server stops at a CNAME into another zone and adds no SOA: ask the target.
    out.follow = current;
    return out;
  }
  answer.status = rcode == LDNS_RCODE_NXDOMAIN ? DnsStatus::kNxDomain : DnsStatus::kNoData;
  answer.ttl = soa ? SoaNegativeTtl(soa) : fallback_negative_ttl;
  return out;
}

}  // namespace mv
