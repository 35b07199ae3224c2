// Conversions between ldns resource records and mv::DnsRecord, shared by the live source (answers
// parsed from the wire), the zone-file loader and the snapshot writer. Kept in one place so that
// what the recorder writes is exactly what the loader reads back.
#pragma once

// ldns redefines bool/true/false unless stdbool.h came first.
#include <stdbool.h>  // NOLINT

#include <ldns/ldns.h>

#include <string>

#include "dns/dns_types.h"
#include "util/status.h"

namespace mv {

// The name an ldns dname stands for, in our form: raw label bytes (ASCII lower-cased) joined by
// '.', no trailing dot (see dns_name_text.h).
std::string LdnsNameToString(const ldns_rdf* dname);

// Converts `rr` when its type is one DnsRecord can hold (A, AAAA, MX, TXT, PTR, CNAME); false for
// other types (NS, SOA, ...) and for malformed rdata.
bool RecordFromLdns(const ldns_rr* rr, DnsRecord* record);

// One master-file line ("name. TTL IN TYPE rdata", no newline) for `record` owned by `name`, with
// names and TXT strings escaped so that ldns reads back the same bytes. Fails for names that are
// not DNS names (an empty label, a label over 63 bytes, over 255 bytes on the wire).
Result<std::string> RecordToMasterLine(std::string_view name, const DnsRecord& record);

// RFC 2308 negative TTL of a SOA record: min(SOA TTL, SOA MINIMUM).
uint32_t SoaNegativeTtl(const ldns_rr* soa);

}  // namespace mv
