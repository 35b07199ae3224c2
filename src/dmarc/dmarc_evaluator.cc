#include "dmarc/dmarc_evaluator.h"

#include <cstdint>
#include <memory>
#include <utility>

#include "dmarc/address.h"
#include "dmarc/dmarcbis_evaluation.h"
#include "dmarc/no_aligned_pass_reason.h"
#include "dmarc/org_domain.h"
#include "message/header_index.h"

namespace mv {
namespace {

uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// RFC 7489 6.6.4: a message outside the pct sample gets the next milder policy.
std::string MilderPolicy(std::string_view policy) {
  if (policy == "reject") return "quarantine";
  return "none";
}

// One step of policy discovery: the DMARC records published at `name`, read in the resolver's
// shared answer, which the discovery holds.
struct Discovery {
  DnsStatus status = DnsStatus::kOk;
  std::shared_ptr<const DnsAnswer> answer;
  size_t count = 0;        // TXT records that start with v=DMARC1
  std::string_view first;  // the first of them (into answer, or into joined)
  std::string joined;      // the first one's strings, when it has several
};

void DiscoverAt(DnsResolver* resolver, const std::string& name, Discovery* d) {
  d->answer = resolver->LookupShared(name, DnsType::kTxt);
  const DnsAnswer& a = *d->answer;
  d->status = a.status;
  d->count = 0;
  d->first = std::string_view();
  if (!a.ok()) return;
  std::string scratch;
  for (const DnsRecord& r : a.records) {
    const std::string_view txt = r.JoinedTxtView(d->count == 0 ? &d->joined : &scratch);
    if (IsDmarcRecord(txt) && d->count++ == 0) d->first = txt;
  }
}

// DMARCbis: a domain does not exist when A, AAAA and MX all answer NXDOMAIN. A DNS error counts as
// existing, so a transient failure never selects the (usually stricter) np= policy.
bool DomainExists(DnsResolver* resolver, const std::string& domain) {
  for (DnsType t : {DnsType::kA, DnsType::kAaaa, DnsType::kMx}) {
    if (resolver->LookupShared(domain, t)->status != DnsStatus::kNxDomain) return true;
  }
  return false;
}

// The From domain of a message with exactly one From field, whose value is `value`.
Result<std::string> FromDomainOf(std::string_view value) {
  Result<std::vector<ParsedMailbox>> parsed = ParseAddressList(value);
  if (!parsed.ok()) return Status::Error("From header field unparseable: " + parsed.error());
  if (parsed->empty()) return Status::Error("From header field holds no mailbox");
  if (parsed->size() > 1) {
    return Status::Error("From header field holds " + std::to_string(parsed->size()) +
                         " mailboxes");
  }
  const ParsedMailbox& m = parsed->front();
  if (m.domain_literal) {
    return Status::Error("From domain is a domain literal " + m.domain + ", not a domain name");
  }
  if (!IsDnsDomainName(m.domain)) {
    return Status::Error("From domain \"" + m.domain + "\" is not a DNS domain name");
  }
  // NormalizeDnsName in place: the parsed mailbox is not used again.
  std::string domain = std::move(parsed->front().domain);
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  for (char& c : domain) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return domain;
}

// DomainsAlign(a, from_domain, strict) for a From domain already normalized whose organizational
// domain is known: the per-signature check then costs one organizational-domain lookup, not two.
bool AlignsWithFrom(std::string_view a, const std::string& from_domain, const std::string& from_org,
                    bool strict) {
  // NormalizeDnsName(a) compared without building it: from_domain is already lower-case.
  if (!a.empty() && a.back() == '.') a.remove_suffix(1);
  if (a.empty()) return false;
  // The usual case, d= (or the MAIL FROM domain) equal to the From domain, aligns either way.
  const bool same = EqualsIgnoreCase(a, from_domain);
  if (strict || same) return same;
  return OrganizationalDomain(a) == from_org;  // which normalizes the name itself
}

}  // namespace

std::string_view DmarcResultName(DmarcResultCode code) {
  switch (code) {
    case DmarcResultCode::kNone:
      return "none";
    case DmarcResultCode::kPass:
      return "pass";
    case DmarcResultCode::kFail:
      return "fail";
    case DmarcResultCode::kTempError:
      return "temperror";
    case DmarcResultCode::kPermError:
      return "permerror";
  }
  return "permerror";
}

std::vector<std::string_view> FromFieldValues(const HeaderIndex& index) {
  std::vector<std::string_view> values;
  for (const HeaderField* f : index.All("From")) values.push_back(f->value);
  return values;
}

Result<std::string> ExtractFromDomain(const std::vector<std::string_view>& from_values) {
  if (from_values.empty()) return Status::Error("no From header field");
  if (from_values.size() > 1) {
    return Status::Error(std::to_string(from_values.size()) + " From header fields");
  }
  return FromDomainOf(from_values[0]);
}

std::vector<DnsQuestion> CollectDmarcQuestions(std::string_view from_domain) {
  std::vector<DnsQuestion> q;
  const std::string domain = NormalizeDnsName(from_domain);
  if (domain.empty()) return q;
  q.push_back({"_dmarc." + domain, DnsType::kTxt});
  const std::string org = OrganizationalDomain(domain);
  if (org != domain) q.push_back({"_dmarc." + org, DnsType::kTxt});
  return q;
}

bool DomainsAlign(std::string_view a, std::string_view b, bool strict) {
  const std::string na = NormalizeDnsName(a), nb = NormalizeDnsName(b);
  if (na.empty() || nb.empty()) return false;
  if (strict) return na == nb;
  return OrganizationalDomain(na) == OrganizationalDomain(nb);
}

DmarcResult DmarcEvaluator::Evaluate(const DmarcInput& in) const {
  if (in.rules == DmarcRules::kRfc9989) return EvaluateDmarcbis(resolver_, in);
  DmarcResult r;
  r.from_count = in.from_values.size();
  Result<std::string> from = ExtractFromDomain(in.from_values);
  if (!from.ok()) {
    r.result = DmarcResultCode::kPermError;
    r.reason = from.error();
    return r;
  }
  r.from_domain = *from;
  r.org_domain = OrganizationalDomain(r.from_domain);

  // Policy discovery, RFC 7489 6.6.3 steps 1-5.
  std::string where = "_dmarc." + r.from_domain;
  Discovery d;
  DiscoverAt(resolver_, where, &d);
  r.policy_domain = r.from_domain;
  if (d.status == DnsStatus::kOk && d.count == 0) d.status = DnsStatus::kNoData;
  if ((d.status == DnsStatus::kNxDomain || d.status == DnsStatus::kNoData) &&
      r.org_domain != r.from_domain) {
    where = "_dmarc." + r.org_domain;
    DiscoverAt(resolver_, where, &d);
    r.policy_domain = r.org_domain;
    if (d.status == DnsStatus::kOk && d.count == 0) d.status = DnsStatus::kNoData;
  }
  switch (d.status) {
    case DnsStatus::kTempError:
      r.result = DmarcResultCode::kTempError;
      r.reason = "DNS temporary error looking up " + where + ": " + d.answer->error;
      return r;
    case DnsStatus::kPermError:
      r.result = DmarcResultCode::kPermError;
      r.reason = "DNS error looking up " + where + ": " + d.answer->error;
      return r;
    case DnsStatus::kNxDomain:
    case DnsStatus::kNoData:
      r.result = DmarcResultCode::kNone;
      r.policy_domain.clear();
      r.reason = "no DMARC record at _dmarc." + r.from_domain +
                 (r.org_domain != r.from_domain ? " or _dmarc." + r.org_domain : "");
      return r;
    case DnsStatus::kOk:
      break;
  }
  if (d.count > 1) {
    r.result = DmarcResultCode::kNone;
    r.reason = std::to_string(d.count) + " DMARC records at " + where +
               "; RFC 7489 6.6.3 applies no policy";
    return r;
  }
  r.record_text = d.first;
  const std::shared_ptr<const Result<DmarcRecord>> record = ParseDmarcRecordCached(r.record_text);
  if (!record->ok()) {
    r.result = DmarcResultCode::kNone;
    r.reason = "DMARC record at " + where + " gives no policy: " + record->error();
    return r;
  }
  r.record = record->value();
  const DmarcRecord& rec = *r.record;

  // Which policy applies to this From domain.
  r.applied_tag = "p";
  r.applied_policy = rec.policy;
  if (r.policy_domain != r.from_domain) {
    if (!rec.nonexistent_policy.empty() && !DomainExists(resolver_, r.from_domain)) {
      r.applied_tag = "np";
      r.applied_policy = rec.nonexistent_policy;
    } else if (!rec.subdomain_policy.empty()) {
      r.applied_tag = "sp";
      r.applied_policy = rec.subdomain_policy;
    }
  }
  r.policy = r.applied_policy;  // RFC 7489 has no t=; pct= shows in the disposition instead

  // Identifier alignment (RFC 7489 3.1): any passing DKIM signature, and SPF only when it passed.
  for (const DkimIdentity& id : in.dkim) {
    if (id.pass && AlignsWithFrom(id.domain, r.from_domain, r.org_domain, rec.strict_dkim)) {
      r.dkim_aligned = true;
      r.aligned_dkim_domain = NormalizeDnsName(id.domain);
      break;
    }
  }
  r.spf_aligned = EqualsIgnoreCase(in.spf.result, "pass") &&
                  AlignsWithFrom(in.spf.domain, r.from_domain, r.org_domain, rec.strict_spf);

  if (r.dkim_aligned || r.spf_aligned) {
    r.result = DmarcResultCode::kPass;
    r.reason = r.dkim_aligned ? "DKIM d=" + r.aligned_dkim_domain + " aligned" : "SPF aligned";
    if (r.dkim_aligned && r.spf_aligned) r.reason += ", SPF aligned";
    return r;
  }
  r.result = DmarcResultCode::kFail;
  // Say what was there and why it did not count, for whoever reads the record.
  r.reason = NoAlignedPassReason(rec, in, /*helo_never_aligns=*/false);
  r.sampled = rec.pct >= 100 ||
              (rec.pct > 0 && Fnv1a64(in.sampling_key) % 100 < static_cast<uint64_t>(rec.pct));
  r.disposition = r.sampled ? r.applied_policy : MilderPolicy(r.applied_policy);
  return r;
}

}  // namespace mv
