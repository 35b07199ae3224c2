#include "dmarc/tree_walk.h"

#include "dns/dns_types.h"

namespace mv {
namespace {

size_t LabelCount(std::string_view name) {
  size_t n = 1;
  for (char c : name) n += c == '.';
  return n;
}

// The last `labels` labels of `name` (which has at least that many).
std::string_view Suffix(std::string_view name, size_t labels) {
  size_t count = LabelCount(name);
  size_t pos = 0;
  while (count > labels) {
    pos = name.find('.', pos) + 1;
    --count;
  }
  return name.substr(pos);
}

// RFC 1035 2.3.4: at most 253 octets (written without the final dot) and 63 per label. A _dmarc
// name beyond that cannot own a record, so the walk does not ask for it (it would be an error,
// not "no record", from a resolver, and a long but valid From domain would become a temperror).
bool CanExist(std::string_view name) {
  if (name.size() > 253) return false;
  size_t label = 0;
  for (char c : name) {
    label = c == '.' ? 0 : label + 1;
    if (label > 63) return false;
  }
  return true;
}

}  // namespace

const TreeWalkRecord* TreeWalk::AtStart() const {
  return At(start);
}

const TreeWalkRecord* TreeWalk::At(std::string_view domain) const {
  for (const TreeWalkRecord& r : records) {
    if (r.domain == domain) return &r;
  }
  return nullptr;
}

const TreeWalkRecord* TreeWalk::PsdRecord() const {
  if (records.empty() || records.back().psd() != 'y') return nullptr;
  return &records.back();
}

std::vector<std::string> TreeWalkNames(std::string_view domain) {
  std::vector<std::string> names;
  const std::string start = NormalizeDnsName(domain);
  if (start.empty() || start.front() == '.' || start.find("..") != std::string::npos) return names;
  const size_t x = LabelCount(start);
  auto add = [&names](std::string name) {
    if (CanExist(name)) names.push_back(std::move(name));
  };
  add("_dmarc." + start);
  // 4.10 step 2 (and 7): from 8 labels or more the walk jumps to the 7-label ancestor, so that a
  // walk costs at most 8 queries; below that one label goes at a time, the TLD included (4.10
  // step 3: "_dmarc.com" is a query like any other).
  for (size_t k = x >= 8 ? 7 : x - 1; k >= 1; --k) add("_dmarc." + std::string(Suffix(start, k)));
  return names;
}

TreeWalk WalkDmarcTree(DnsResolver* resolver, std::string_view domain) {
  TreeWalk walk;
  walk.start = NormalizeDnsName(domain);
  std::string joined;
  for (std::string& name : TreeWalkNames(walk.start)) {
    const std::shared_ptr<const DnsAnswer> answer = resolver->LookupShared(name, DnsType::kTxt);
    walk.queried.push_back(name);
    if (answer->status == DnsStatus::kNxDomain || answer->status == DnsStatus::kNoData) continue;
    if (!answer->ok()) {
      walk.dns_error = true;
      walk.error = "DNS error looking up " + name + ": " + answer->error;
      return walk;
    }
    // 4.10 step 2: TXT records that do not start with v=DMARC1 are discarded; when more than one
    // DMARC record remains, all of them are discarded and the walk goes on as if there were none.
    size_t count = 0;
    std::string text;
    for (const DnsRecord& r : answer->records) {
      const std::string_view txt = r.JoinedTxtView(&joined);
      if (IsDmarcRecord(txt) && count++ == 0) text = std::string(txt);
    }
    if (count == 0) continue;
    const std::string found = name.substr(7);  // without "_dmarc."
    if (count > 1) {
      walk.discarded.push_back(found);
      continue;
    }
    TreeWalkRecord record{found, text, ParseDmarcRecordCached(text, DmarcRules::kRfc9989)};
    const char psd = record.psd();
    walk.records.push_back(std::move(record));
    // 4.10 steps 2-3: a record with psd=y or psd=n ends the walk; psd=u (or none) does not.
    if (psd == 'y' || psd == 'n') break;
  }
  return walk;
}

std::string TreeWalkOrganizationalDomain(const TreeWalk& walk) {
  if (walk.records.empty()) return walk.start;  // 4.10.2: no record, its own org domain
  const TreeWalkRecord& last = walk.records.back();
  if (last.psd() == 'n') return last.domain;  // 4.10.2 step 1
  if (last.psd() == 'y') {
    // 4.10.2 step 2: one label below the public suffix domain, on the path to the start, whether
    // or not the walk queried it (the 7-label jump may have passed over it). psd=y at the start
    // itself leaves the start as its own organizational domain.
    if (last.domain == walk.start) return walk.start;
    return std::string(Suffix(walk.start, LabelCount(last.domain) + 1));
  }
  return last.domain;  // 4.10.2 step 3: the record with the fewest labels (the last one found)
}

}  // namespace mv
