// The DNS Tree Walk of RFC 9989 section 4.10, which replaced the Public Suffix List: the _dmarc
// names queried from a domain towards the root (at most 8), the DMARC records found on the way,
// and the Organizational Domain they imply (section 4.10.2). Policy discovery (4.10.1) and relaxed
// alignment (4.4, one walk per authenticated identifier) are built on it. Every query goes through
// the DnsResolver, so a run replayed from a zone snapshot walks exactly the same way.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dmarc/dmarc_record.h"
#include "dns/resolver.h"

namespace mv {

// One name of a walk that published exactly one DMARC record.
struct TreeWalkRecord {
  std::string domain;  // the name below _dmarc, lower-cased
  std::string text;    // the record as published (character-strings joined, 4.5)
  std::shared_ptr<const Result<DmarcRecord>> parsed;  // under RFC 9989 rules; ok for every record
  char psd() const { return parsed->ok() ? (*parsed)->psd : 'u'; }
};

struct TreeWalk {
  std::string start;                 // the domain the walk started from, lower-cased
  std::vector<std::string> queried;  // the _dmarc names asked, in order
  // Names with exactly one DMARC record, in walk order (longest first). Names with several records
  // are left out: 4.10 step 2 discards them all, and the walk goes on.
  std::vector<TreeWalkRecord> records;
  // A query that failed with a DNS error (not NXDOMAIN or NODATA) ended the walk early: only "no
  // such record" lets it continue, so nothing the walk found is final.
  bool dns_error = false;
  std::string error;  // the failed query and its error, for the reason
  // Names where several DMARC records were discarded, for the reason.
  std::vector<std::string> discarded;

  // The record published at the start name itself, or null.
  const TreeWalkRecord* AtStart() const;
  // The record published at `domain`, or null.
  const TreeWalkRecord* At(std::string_view domain) const;
  // The last record of the walk when it stopped the walk with psd=y, or null.
  const TreeWalkRecord* PsdRecord() const;
};

// The _dmarc names a walk from `domain` may query, in order (4.10 steps 1-7): the name itself,
// then, when it has 8 labels or more, its 7-label ancestor, then one label less at a time down to
// the top-level domain. At most 8 names. Empty when `domain` is not a usable name.
std::vector<std::string> TreeWalkNames(std::string_view domain);

// Walks from `domain`, stopping at the first name whose one DMARC record says psd=y or psd=n.
TreeWalk WalkDmarcTree(DnsResolver* resolver, std::string_view domain);

// The Organizational Domain the walk implies (4.10.2): the name of a psd=n record; one label below
// a psd=y record towards the start (the start itself when the psd=y record is there); otherwise
// the name with the fewest labels that has a record; with no record at all, the start itself.
std::string TreeWalkOrganizationalDomain(const TreeWalk& walk);

}  // namespace mv
