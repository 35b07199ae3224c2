#include "dns/dns_types.h"

namespace mv {

std::string_view DnsTypeName(DnsType type) {
  switch (type) {
    case DnsType::kA:
      return "A";
    case DnsType::kCname:
      return "CNAME";
    case DnsType::kSoa:
      return "SOA";
    case DnsType::kPtr:
      return "PTR";
    case DnsType::kMx:
      return "MX";
    case DnsType::kTxt:
      return "TXT";
    case DnsType::kAaaa:
      return "AAAA";
  }
  return "UNKNOWN";
}

bool DnsTypeFromName(std::string_view name, DnsType* type) {
  static constexpr DnsType kAll[] = {DnsType::kA,  DnsType::kCname, DnsType::kSoa, DnsType::kPtr,
                                     DnsType::kMx, DnsType::kTxt,   DnsType::kAaaa};
  for (DnsType t : kAll) {
    std::string_view known = DnsTypeName(t);
    if (known.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) {
      char c = name[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      same = c == known[i];
    }
    if (same) {
      *type = t;
      return true;
    }
  }
  return false;
}

bool DnsStatusFromName(std::string_view name, DnsStatus* status) {
  static constexpr DnsStatus kAll[] = {DnsStatus::kOk, DnsStatus::kNxDomain, DnsStatus::kNoData,
                                       DnsStatus::kTempError, DnsStatus::kPermError};
  for (DnsStatus s : kAll) {
    if (DnsStatusName(s) == name) {
      *status = s;
      return true;
    }
  }
  return false;
}

std::string_view DnsStatusName(DnsStatus status) {
  switch (status) {
    case DnsStatus::kOk:
      return "ok";
    case DnsStatus::kNxDomain:
      return "nxdomain";
    case DnsStatus::kNoData:
      return "nodata";
    case DnsStatus::kTempError:
      return "temperror";
    case DnsStatus::kPermError:
      return "permerror";
  }
  return "unknown";
}

std::string DnsRecord::JoinedTxt() const {
  std::string out;
  for (const std::string& s : txt) out += s;
  return out;
}

std::string_view DnsRecord::JoinedTxtView(std::string* storage) const {
  if (txt.size() == 1) return txt.front();
  storage->clear();
  for (const std::string& s : txt) *storage += s;
  return *storage;
}

std::string NormalizeDnsName(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

}  // namespace mv
