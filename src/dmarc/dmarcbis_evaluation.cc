#include "dmarc/dmarcbis_evaluation.h"

#include <map>
#include <memory>
#include <string>

#include "dmarc/no_aligned_pass_reason.h"
#include "dmarc/tree_walk.h"
#include "message/header_index.h"

namespace mv {
namespace {

// The walks of one evaluation, one per distinct domain: the From domain's walk also serves an
// identifier equal to it, and two signatures with the same d= share one walk.
class WalkCache {
 public:
  explicit WalkCache(DnsResolver* resolver) : resolver_(resolver) {}
  const TreeWalk& Get(const std::string& domain) {
    auto it = walks_.find(domain);
    if (it == walks_.end()) it = walks_.emplace(domain, WalkDmarcTree(resolver_, domain)).first;
    return it->second;
  }

 private:
  DnsResolver* resolver_;
  std::map<std::string, TreeWalk> walks_;
};

enum class Alignment { kAligned, kNotAligned, kUndetermined };

// RFC 9989 4.4: strict alignment is string equality, with no walk; relaxed alignment compares the
// Organizational Domains, each found by its own walk (4.10.2), unless the names are equal anyway.
Alignment Align(std::string_view identifier, const std::string& from_domain, bool strict,
                WalkCache* walks, DmarcResult* r, std::string* error) {
  const std::string id = NormalizeDnsName(identifier);
  if (id.empty()) return Alignment::kNotAligned;
  if (id == from_domain) return Alignment::kAligned;
  if (strict) return Alignment::kNotAligned;
  const TreeWalk& from_walk = walks->Get(from_domain);
  const TreeWalk& id_walk = walks->Get(id);
  if (from_walk.dns_error || id_walk.dns_error) {
    *error = from_walk.dns_error ? from_walk.error : id_walk.error;
    return Alignment::kUndetermined;
  }
  const std::string id_org = TreeWalkOrganizationalDomain(id_walk);
  bool listed = false;
  for (const auto& [name, org] : r->identifier_org_domains) listed = listed || name == id;
  if (!listed) r->identifier_org_domains.emplace_back(id, id_org);
  return id_org == TreeWalkOrganizationalDomain(from_walk) ? Alignment::kAligned
                                                           : Alignment::kNotAligned;
}

}  // namespace

Result<std::string> ExtractAuthorDomain(const std::vector<std::string_view>& from_values,
                                        size_t* index) {
  *index = 0;
  if (from_values.empty()) return Status::Error("no From header field");
  std::string domain;
  for (size_t i = 0; i < from_values.size(); ++i) {
    Result<std::string> d = ExtractFromDomain({from_values[i]});
    if (!d.ok()) {
      if (from_values.size() == 1) return d.status();
      return Status::Error("From header field " + std::to_string(i + 1) + " of " +
                           std::to_string(from_values.size()) + ": " + d.error());
    }
    if (i == 0) {
      domain = std::move(*d);
    } else if (*d != domain) {
      return Status::Error(std::to_string(from_values.size()) +
                           " From header fields name different domains (" + domain + ", " + *d +
                           "); RFC 9989 5.3.1 needs exactly one Author Domain");
    }
  }
  return domain;
}

DmarcResult EvaluateDmarcbis(DnsResolver* resolver, const DmarcInput& in) {
  DmarcResult r;
  r.rules = DmarcRules::kRfc9989;
  r.from_count = in.from_values.size();
  Result<std::string> from = ExtractAuthorDomain(in.from_values, &r.from_index);
  if (!from.ok()) {
    r.result = DmarcResultCode::kPermError;
    r.reason = from.error();
    return r;
  }
  r.from_domain = *from;

  // 4.10.1: the Author Domain's own record, else the walk's: the Organizational Domain's record,
  // else the public suffix domain's (psd=y). The Author Domain's walk is also the one that gives
  // its Organizational Domain (4.10.2), so it is made whether or not the first query found a
  // record.
  WalkCache walks(resolver);
  const TreeWalk& walk = walks.Get(r.from_domain);
  const TreeWalkRecord* own = walk.AtStart();
  if (own != nullptr) {
    r.discovery_queries.assign(walk.queried.begin(), walk.queried.begin() + 1);
  } else {
    r.discovery_queries = walk.queried;
  }
  if (walk.dns_error && own == nullptr) {
    r.result = DmarcResultCode::kTempError;
    r.reason = walk.error;
    return r;
  }
  if (!walk.dns_error) r.org_domain = TreeWalkOrganizationalDomain(walk);
  const TreeWalkRecord* found = own;
  if (found == nullptr) found = walk.At(r.org_domain);
  if (found == nullptr) found = walk.PsdRecord();
  if (found == nullptr) {
    r.result = DmarcResultCode::kNone;
    r.reason = "no DMARC record on the DNS tree walk from " + r.from_domain + " (" +
               std::to_string(walk.queried.size()) + " queries)";
    for (const std::string& d : walk.discarded) {
      r.reason += "; several DMARC records at _dmarc." + d + " discarded (RFC 9989 4.10)";
    }
    return r;
  }
  r.policy_domain = found->domain;
  r.record_text = found->text;
  r.record = found->parsed->value();
  const DmarcRecord& rec = *r.record;
  if (rec.applicability == DmarcApplicability::kNoProcessing) {
    r.result = DmarcResultCode::kNone;
    r.reason = "DMARC record at _dmarc." + r.policy_domain +
               " has no usable p= and no valid rua=: no DMARC processing (RFC 9989 4.10.1)";
    return r;
  }

  // Identifier alignment (4.4): any passing DKIM d=, and the SPF-authenticated MAIL FROM domain
  // (never HELO, 4.4.2). A walk that failed leaves its identifier undetermined.
  std::string walk_error;
  bool undetermined = false;
  for (const DkimIdentity& id : in.dkim) {
    if (!id.pass) continue;
    const Alignment a = Align(id.domain, r.from_domain, rec.strict_dkim, &walks, &r, &walk_error);
    undetermined = undetermined || a == Alignment::kUndetermined;
    if (a == Alignment::kAligned && !r.dkim_aligned) {
      r.dkim_aligned = true;
      r.aligned_dkim_domain = NormalizeDnsName(id.domain);
    }
  }
  if (EqualsIgnoreCase(in.spf.result, "pass") && !in.spf.helo) {
    const Alignment a =
        Align(in.spf.domain, r.from_domain, rec.strict_spf, &walks, &r, &walk_error);
    undetermined = undetermined || a == Alignment::kUndetermined;
    r.spf_aligned = a == Alignment::kAligned;
  }
  const bool pass = r.dkim_aligned || r.spf_aligned;

  // Which policy applies (4.10.1, 4.7): p= for the Author Domain's own record; for a record found
  // above it, sp= (default p=) when the Author Domain exists and np= (default sp=, then p=) when it
  // does not. Existence is RFC 8020's: NXDOMAIN for the name means it and everything below it do
  // not exist; any other answer, NODATA included, means it exists. One query answers it, asked
  // only when np= and sp= differ, and through the resolver like every other, so a replay gives the
  // same answer.
  r.applied_tag = "p";
  r.applied_policy = rec.policy;
  if (r.policy_domain != r.from_domain) {
    r.applied_tag = rec.subdomain_policy.empty() ? "p" : "sp";
    r.applied_policy = rec.EffectiveSubdomainPolicy();
    if (rec.EffectiveNonexistentPolicy() != rec.EffectiveSubdomainPolicy()) {
      const std::shared_ptr<const DnsAnswer> a = resolver->LookupShared(r.from_domain, DnsType::kA);
      if (a->status == DnsStatus::kNxDomain) {
        r.applied_tag = "np";
        r.applied_policy = rec.EffectiveNonexistentPolicy();
      } else if (!a->ok() && a->status != DnsStatus::kNoData && !pass) {
        r.result = DmarcResultCode::kTempError;
        r.reason = "DNS error checking whether " + r.from_domain + " exists (np=): " + a->error;
        return r;
      }
    }
  }
  // 4.7 t=y: one level less is applied; the result and reporting are unchanged.
  r.testing = rec.testing;
  r.policy = rec.testing ? std::string(MilderDmarcPolicy(r.applied_policy)) : r.applied_policy;

  if (pass) {
    r.result = DmarcResultCode::kPass;
    r.reason = r.dkim_aligned ? "DKIM d=" + r.aligned_dkim_domain + " aligned" : "SPF aligned";
    if (r.dkim_aligned && r.spf_aligned) r.reason += ", SPF aligned";
    return r;
  }
  if (undetermined) {
    r.result = DmarcResultCode::kTempError;
    r.reason = "no aligned pass, and an organizational domain could not be found: " + walk_error;
    return r;
  }
  r.result = DmarcResultCode::kFail;
  r.reason = NoAlignedPassReason(rec, in, /*helo_never_aligns=*/true);
  r.disposition = r.policy;
  return r;
}

}  // namespace mv
