#include "dns/ldns_records.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "dns/dns_name_text.h"

namespace mv {
namespace {

struct LdnsFree {
  void operator()(char* p) const { free(p); }
  void operator()(ldns_rr* p) const { ldns_rr_free(p); }
  void operator()(ldns_rdf* p) const { ldns_rdf_deep_free(p); }
};

std::string AddressToString(const ldns_rdf* rdf, int family) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(family, ldns_rdf_data(rdf), buf, sizeof buf) == nullptr) return {};
  return buf;
}

}  // namespace

std::string LdnsNameToString(const ldns_rdf* dname) {
  // Built from the wire form rather than ldns_rdf2str, which escapes: the name asked (an SPF macro
  // may expand to spaces, '%', ';' or a backslash) must equal the name read back from an answer or
  // a snapshot, so label bytes stay raw (dns_name_text.h). A '.' inside a label, which no name we
  // ask can hold, is kept apart from the separators as the four bytes "\046".
  std::string out;
  const uint8_t* p = ldns_rdf_data(dname);
  const uint8_t* end = p + ldns_rdf_size(dname);
  while (p < end && *p != 0) {
    size_t len = *p++;
    if (len > static_cast<size_t>(end - p)) break;
    if (!out.empty()) out += '.';
    for (size_t i = 0; i < len; ++i) {
      const uint8_t c = p[i];
      if (c == '.') {
        out += "\\046";
      } else {
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
    }
    p += len;
  }
  return out;
}

bool RecordFromLdns(const ldns_rr* rr, DnsRecord* record) {
  *record = DnsRecord();
  record->ttl = ldns_rr_ttl(rr);
  const size_t count = ldns_rr_rd_count(rr);
  switch (ldns_rr_get_type(rr)) {
    case LDNS_RR_TYPE_TXT:
      record->type = DnsType::kTxt;
      for (size_t i = 0; i < count; ++i) {
        const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
        const uint8_t* data = ldns_rdf_data(rdf);
        const size_t size = ldns_rdf_size(rdf);
        if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_STR || size == 0 || data[0] + 1u != size) {
          return false;
        }
        record->txt.emplace_back(reinterpret_cast<const char*>(data) + 1, size - 1);
      }
      return true;
    case LDNS_RR_TYPE_A:
    case LDNS_RR_TYPE_AAAA: {
      const bool v4 = ldns_rr_get_type(rr) == LDNS_RR_TYPE_A;
      if (count != 1 || ldns_rdf_size(ldns_rr_rdf(rr, 0)) != (v4 ? 4u : 16u)) return false;
      record->type = v4 ? DnsType::kA : DnsType::kAaaa;
      record->target = AddressToString(ldns_rr_rdf(rr, 0), v4 ? AF_INET : AF_INET6);
      return !record->target.empty();
    }
    case LDNS_RR_TYPE_MX:
      if (count != 2 || ldns_rdf_get_type(ldns_rr_rdf(rr, 1)) != LDNS_RDF_TYPE_DNAME) return false;
      record->type = DnsType::kMx;
      record->preference = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
      record->target = LdnsNameToString(ldns_rr_rdf(rr, 1));
      return true;
    case LDNS_RR_TYPE_CNAME:
    case LDNS_RR_TYPE_PTR:
      if (count != 1 || ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) != LDNS_RDF_TYPE_DNAME) return false;
      record->type = ldns_rr_get_type(rr) == LDNS_RR_TYPE_PTR ? DnsType::kPtr : DnsType::kCname;
      record->target = LdnsNameToString(ldns_rr_rdf(rr, 0));
      return true;
    default:
      return false;
  }
}

Result<std::string> RecordToMasterLine(std::string_view name, const DnsRecord& record) {
  std::unique_ptr<ldns_rr, LdnsFree> rr(ldns_rr_new());
  // Names are raw bytes (dns_name_text.h); ldns reads and the file holds their escaped form.
  const std::string owner = EscapeDnsName(name) + ".";
  ldns_rdf* owner_rdf = nullptr;
  if (ldns_str2rdf_dname(&owner_rdf, owner.c_str()) != LDNS_STATUS_OK) {
    return Status::Error("cannot write DNS name '" + std::string(name) + "'");
  }
  ldns_rr_set_owner(rr.get(), owner_rdf);
  ldns_rr_set_ttl(rr.get(), record.ttl);
  ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_IN);
  ldns_rr_set_type(rr.get(), static_cast<ldns_rr_type>(record.type));
  auto push_text = [&](ldns_rdf_type type, const std::string& text) {
    ldns_rdf* rdf = ldns_rdf_new_frm_str(type, text.c_str());
    if (rdf == nullptr) return false;
    ldns_rr_push_rdf(rr.get(), rdf);
    return true;
  };
  bool ok = true;
  switch (record.type) {
    case DnsType::kTxt:
      for (const std::string& s : record.txt) {
        // A character-string holds at most 255 bytes; longer strings (only possible from data added
        // in memory) are split, which does not change the joined value.
        size_t pos = 0;
        do {
          const size_t n = std::min<size_t>(255, s.size() - pos);
          std::string wire(1, static_cast<char>(n));
          wire.append(s, pos, n);
          ldns_rr_push_rdf(rr.get(),
                           ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, wire.size(), wire.data()));
          pos += n;
        } while (pos < s.size());
      }
      break;
    case DnsType::kA:
      ok = push_text(LDNS_RDF_TYPE_A, record.target);
      break;
    case DnsType::kAaaa:
      ok = push_text(LDNS_RDF_TYPE_AAAA, record.target);
      break;
    case DnsType::kMx:
      ldns_rr_push_rdf(rr.get(), ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, record.preference));
      ok = push_text(LDNS_RDF_TYPE_DNAME, EscapeDnsName(record.target) + ".");
      break;
    case DnsType::kCname:
    case DnsType::kPtr:
      ok = push_text(LDNS_RDF_TYPE_DNAME, EscapeDnsName(record.target) + ".");
      break;
    case DnsType::kSoa:
      ok = false;
      break;
  }
  if (!ok) {
    return Status::Error("cannot write " + std::string(DnsTypeName(record.type)) + " record of '" +
                         std::string(name) + "'");
  }
  std::unique_ptr<char, LdnsFree> text(ldns_rr2str(rr.get()));
  if (!text) return Status::Error("cannot format record of '" + std::string(name) + "'");
  std::string line = text.get();
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  // ldns prints names with escapes of its own that leave '"', '@' and '$' bare, which its zone
  // reader would take for a quote, the origin or a directive: the owner and a target are written
  // in EscapeDnsName's form instead (the fields are tab-separated, a printed name has no blank).
  const size_t first_tab = line.find('\t');
  const size_t last_tab = line.rfind('\t');
  if (first_tab == std::string::npos || last_tab == first_tab) {
    return Status::Error("cannot format record of '" + std::string(name) + "'");
  }
  if (record.type == DnsType::kMx) {
    line.replace(last_tab + 1, std::string::npos,
                 std::to_string(record.preference) + " " + EscapeDnsName(record.target) + ".");
  } else if (record.type == DnsType::kCname || record.type == DnsType::kPtr) {
    line.replace(last_tab + 1, std::string::npos, EscapeDnsName(record.target) + ".");
  }
  line.replace(0, first_tab, owner);
  return line;
}

uint32_t SoaNegativeTtl(const ldns_rr* soa) {
  uint32_t ttl = ldns_rr_ttl(soa);
  if (ldns_rr_rd_count(soa) >= 7) ttl = std::min(ttl, ldns_rdf2native_int32(ldns_rr_rdf(soa, 6)));
  return ttl;
}

}  // namespace mv
