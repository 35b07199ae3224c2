#include "spf/spf_evaluator.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "message/header_index.h"
#include "spf/spf_macro.h"
#include "spf/spf_record.h"

namespace mv {
namespace {

// Beyond the lookup limit nesting cannot go deeper than 11; this only guards against a bug.
constexpr int kMaxDepth = 20;
constexpr size_t kMaxNameLength = 253;

std::string_view StripTrailingDot(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

// Whether a DNS query can be composed for `name`: labels of 1-63 bytes, at most 253 bytes.
bool IsQueryableName(std::string_view name) {
  name = StripTrailingDot(name);
  if (name.empty() || name.size() > kMaxNameLength) return false;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    size_t len = (dot == std::string_view::npos ? name.size() : dot) - start;
    if (len == 0 || len > 63) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool IsAllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 7.3: a name longer than 253 bytes loses labels from the left until it fits.
void TruncateLeft(std::string* name) {
  while (name->size() > kMaxNameLength) {
    size_t dot = name->find('.');
    if (dot == std::string::npos) return;
    name->erase(0, dot + 1);
  }
}

bool IsVoid(const DnsAnswer& a, DnsType type) {
  if (a.status == DnsStatus::kNxDomain || a.status == DnsStatus::kNoData) return true;
  if (a.status != DnsStatus::kOk) return false;
  return std::none_of(a.records.begin(), a.records.end(),
                      [type](const DnsRecord& r) { return r.type == type; });
}

SpfResult QualifierResult(char q) {
  switch (q) {
    case '-':
      return SpfResult::kFail;
    case '~':
      return SpfResult::kSoftFail;
    case '?':
      return SpfResult::kNeutral;
    default:
      return SpfResult::kPass;
  }
}

bool EndsWithDomain(std::string_view name, std::string_view domain) {
  name = StripTrailingDot(name);
  domain = StripTrailingDot(domain);
  if (EqualsIgnoreCase(name, domain)) return true;
  return name.size() > domain.size() && name[name.size() - domain.size() - 1] == '.' &&
         EqualsIgnoreCase(name.substr(name.size() - domain.size()), domain);
}

// The client's validated PTR names, looked up once per evaluation. At namespace scope because clang
// cannot default-construct (optional::emplace) a nested class with default member initializers
// from inside the enclosing class.
struct PtrNames {
  DnsStatus status = DnsStatus::kNxDomain;
  std::vector<std::string> validated;
};

// One check_host() evaluation with its counters; recursion for include and redirect shares them.
class Evaluation {
 public:
  Evaluation(DnsResolver* dns, const SpfEvaluatorOptions& options, const SpfRequest& request)
      : dns_(dns), options_(options), request_(request) {
    size_t at = request.sender.rfind('@');
    if (at == std::string::npos) {
      local_ = "postmaster";
      sender_domain_ = request.sender;
    } else {
      local_ = request.sender.substr(0, at);
      sender_domain_ = request.sender.substr(at + 1);
      if (local_.empty()) local_ = "postmaster";  // 4.3
    }
    sender_ = local_ + "@" + sender_domain_;
  }

  SpfVerdict Run() {
    Outcome o = CheckHost(std::string(StripTrailingDot(request_.domain)), 0, true);
    SpfVerdict v;
    v.result = o.result;
    v.reason = std::move(o.reason);
    v.mechanism = std::move(o.mechanism);
    if (o.result == SpfResult::kFail) {
      v.explanation = o.explanation.empty() ? options_.default_explanation : o.explanation;
    }
    v.lookups = lookups_;
    v.void_lookups = voids_;
    return v;
  }

 private:
  struct Outcome {
    SpfResult result = SpfResult::kNone;
    std::string reason;
    std::string mechanism;
    std::string explanation;
  };
  enum class Match { kYes, kNo, kTempError, kPermError };

  static Outcome Make(SpfResult r, std::string reason) {
    Outcome o;
    o.result = r;
    o.reason = std::move(reason);
    return o;
  }

  // `counted`: whether a PTR query %{p} makes here counts toward the limit of 10 (domain-specs of
  // terms, RFC 7208 4.6.4) or not (exp= text, evaluated after the result, 6.2).
  SpfMacroValues Values(const std::string& domain, bool counted = true) {
    SpfMacroValues v;
    v.sender = sender_;
    v.local_part = local_;
    v.sender_domain = sender_domain_;
    v.domain = domain;
    v.ip = &request_.ip;
    v.helo = request_.helo;
    v.receiver = options_.receiver;
    v.now = options_.now;
    v.validated_name = [this, &domain, counted]() { return ValidatedName(domain, counted); };
    return v;
  }

  // Expands a domain-spec (empty: the current domain, returned as is) into a query name, kept in
  // *storage when it had to be built.
  std::string_view TargetName(std::string_view spec, const std::string& domain,
                              std::string* storage) {
    if (spec.empty()) return domain;
    if (spec.find('%') == std::string_view::npos) {
      // No macro: the parser has checked every character, so the spec is its own expansion (a
      // view into the record, which the caller holds while it uses the name).
      const std::string_view name = StripTrailingDot(spec);
      if (name.size() <= kMaxNameLength) return name;
      storage->assign(name);
      TruncateLeft(storage);
      return *storage;
    }
    std::string& out = *storage;
    out.clear();
    if (!ExpandMacroString(spec, Values(domain), MacroContext::kDomainSpec, &out)) return "";
    if (!out.empty() && out.back() == '.') out.pop_back();
    TruncateLeft(&out);
    return out;
  }

  // The resolver's own answer, not a copy: a cached SPF record or address set is read, never
  // changed.
  std::shared_ptr<const DnsAnswer> Query(std::string_view name, DnsType type) {
    return dns_->LookupShared(name, type);
  }

  // Counts a DNS-querying term; false once the limit is passed.
  bool CountLookup() { return ++lookups_ <= options_.max_dns_lookups; }
  std::string PtrLimitReason() const {
    return "more than " + std::to_string(options_.max_dns_lookups) +
           " DNS lookups (the %{p} PTR query counts, RFC 7208 4.6.4)";
  }

  // Counts a void answer; false once the void limit is passed. RFC 7208 4.6.4 limits the "terms"
  // whose DNS queries return no records, so a term counts at most once, for the query that decides
  // whether it can match at all: the A/AAAA of a and exists, the MX of mx, the PTR of ptr, the TXT
  // of include and redirect. The address lookups of MX hosts and PTR names do not count: the PTR
  // names belong to the connecting client, which could otherwise turn a sender's "fail" into
  // "permerror" with three dangling names, and an IPv6-only MX host is not a misconfiguration.
  // pyspf counts every empty answer; docs/CONFORMANCE.md gives the reasoning.
  bool CountVoid() {
    ++voids_;
    return options_.max_void_lookups < 0 || voids_ <= options_.max_void_lookups;
  }

  const PtrNames& Ptr() {
    if (ptr_) return *ptr_;
    ptr_.emplace();
    const std::shared_ptr<const DnsAnswer> a_held = Query(request_.ip.ReverseName(), DnsType::kPtr);
    const DnsAnswer& a = *a_held;
    ptr_->status = a.status;
    if (a.status == DnsStatus::kOk && IsVoid(a, DnsType::kPtr)) ptr_->status = DnsStatus::kNoData;
    if (a.status != DnsStatus::kOk) return *ptr_;
    int checked = 0;
    const DnsType addr_type = request_.ip.is_v6() ? DnsType::kAaaa : DnsType::kA;
    for (const DnsRecord& r : a.records) {
      if (r.type != DnsType::kPtr) continue;
      // 4.6.4: at most 10 names are looked up; the rest are ignored.
      if (checked++ >= options_.max_ptr_names) break;
      std::string name(StripTrailingDot(r.target));
      if (!IsQueryableName(name)) continue;
      const std::shared_ptr<const DnsAnswer> addrs_held = Query(name, addr_type);
      const DnsAnswer& addrs = *addrs_held;
      if (addrs.status != DnsStatus::kOk) continue;  // 5.5: errors skip the name
      for (const DnsRecord& ar : addrs.records) {
        if (ar.type != addr_type) continue;
        std::optional<IpAddress> ip = IpAddress::Parse(ar.target);
        if (ip && *ip == request_.ip) {
          ptr_->validated.push_back(name);
          break;
        }
      }
    }
    return *ptr_;
  }

  // %{p}: the domain itself if validated, else a validated subdomain of it, else any validated
  // name.
  //
  // RFC 7208 4.6.4: "When evaluating the ptr mechanism or the %{p} macro, the number of PTR
  // resource records queried is included in the overall limit of 10": the PTR query %{p} makes
  // counts as one DNS lookup (once per evaluation: its answer is reused). Past the limit it is not
  // made, and the term that asked ends in permerror (ptr_limit_hit_).
  std::string ValidatedName(const std::string& domain, bool counted) {
    if (!ptr_ && counted && !CountLookup()) {
      ptr_limit_hit_ = true;
      return "unknown";
    }
    const PtrNames& p = Ptr();
    if (p.validated.empty()) return "unknown";
    for (const std::string& n : p.validated) {
      if (EqualsIgnoreCase(n, domain)) return n;
    }
    for (const std::string& n : p.validated) {
      if (EndsWithDomain(n, domain)) return n;
    }
    return p.validated.front();
  }

  // Whether `name` has an address record matching the client within the CIDR lengths.
  Match AddressMatch(std::string_view name, int cidr4, int cidr6, bool count_void,
                     std::string* why) {
    if (!IsQueryableName(name)) return Match::kNo;  // not a DNS name: no such host
    const bool v6 = request_.ip.is_v6();
    const DnsType type = v6 ? DnsType::kAaaa : DnsType::kA;
    const std::shared_ptr<const DnsAnswer> a_held = Query(name, type);
    const DnsAnswer& a = *a_held;
    if (a.status == DnsStatus::kTempError) {
      *why = "DNS error looking up " + std::string(DnsTypeName(type)) + " " + std::string(name);
      return Match::kTempError;
    }
    if (IsVoid(a, type) || a.status == DnsStatus::kPermError) {
      if (count_void && !CountVoid()) {
        *why = "more than " + std::to_string(options_.max_void_lookups) + " void lookups";
        return Match::kPermError;
      }
      return Match::kNo;
    }
    for (const DnsRecord& r : a.records) {
      if (r.type != type) continue;
      std::optional<IpAddress> ip = IpAddress::Parse(r.target);
      if (ip && request_.ip.InNetwork(*ip, v6 ? cidr6 : cidr4)) return Match::kYes;
    }
    return Match::kNo;
  }

  Match EvaluateDirective(const SpfDirective& d, const std::string& domain, int depth,
                          std::string* why) {
    switch (d.mechanism) {
      case SpfMechanism::kAll:
        return Match::kYes;
      case SpfMechanism::kIp4:
      case SpfMechanism::kIp6:
        return request_.ip.InNetwork(d.network, d.network.is_v6() ? d.cidr6 : d.cidr4) ? Match::kYes
                                                                                       : Match::kNo;
      default:
        break;
    }
    if (!CountLookup()) {
      *why = "more than " + std::to_string(options_.max_dns_lookups) + " DNS-querying terms";
      return Match::kPermError;
    }
    std::string storage;
    const std::string_view target = TargetName(d.domain_spec, domain, &storage);
    if (ptr_limit_hit_) {
      *why = PtrLimitReason();
      return Match::kPermError;
    }
    switch (d.mechanism) {
      case SpfMechanism::kA:
        return AddressMatch(target, d.cidr4, d.cidr6, true, why);
      case SpfMechanism::kMx:
        return MxMatch(target, d, why);
      case SpfMechanism::kPtr:
        return PtrMatch(target, why);
      case SpfMechanism::kExists: {
        if (!IsQueryableName(target)) return Match::kNo;
        const std::shared_ptr<const DnsAnswer> a_held =
            Query(target, DnsType::kA);  // 5.7: A even for an IPv6 client
        const DnsAnswer& a = *a_held;
        if (a.status == DnsStatus::kTempError) {
          *why = "DNS error looking up A " + std::string(target);
          return Match::kTempError;
        }
        if (IsVoid(a, DnsType::kA) || a.status == DnsStatus::kPermError) {
          if (!CountVoid()) {
            *why = "more than " + std::to_string(options_.max_void_lookups) + " void lookups";
            return Match::kPermError;
          }
          return Match::kNo;
        }
        return Match::kYes;
      }
      case SpfMechanism::kInclude: {
        Outcome sub = CheckHost(std::string(target), depth + 1, false);
        switch (sub.result) {
          case SpfResult::kPass:
            return Match::kYes;
          case SpfResult::kFail:
          case SpfResult::kSoftFail:
          case SpfResult::kNeutral:
            return Match::kNo;
          case SpfResult::kTempError:
            *why = sub.reason;
            return Match::kTempError;
          case SpfResult::kPermError:
            *why = sub.reason;
            return Match::kPermError;
          case SpfResult::kNone:
            *why = "include:" + std::string(target) + " has no SPF record (" + sub.reason + ")";
            return Match::kPermError;
        }
        return Match::kPermError;
      }
      default:
        return Match::kNo;
    }
  }

  Match MxMatch(std::string_view target, const SpfDirective& d, std::string* why) {
    if (!IsQueryableName(target)) return Match::kNo;
    const std::shared_ptr<const DnsAnswer> a_held = Query(target, DnsType::kMx);
    const DnsAnswer& a = *a_held;
    if (a.status == DnsStatus::kTempError) {
      *why = "DNS error looking up MX " + std::string(target);
      return Match::kTempError;
    }
    if (IsVoid(a, DnsType::kMx) || a.status == DnsStatus::kPermError) {
      if (!CountVoid()) {
        *why = "more than " + std::to_string(options_.max_void_lookups) + " void lookups";
        return Match::kPermError;
      }
      return Match::kNo;
    }
    std::vector<const DnsRecord*> mx;
    mx.reserve(a.records.size());
    for (const DnsRecord& r : a.records) {
      if (r.type != DnsType::kMx) continue;
      // Insertion keeping equal preferences in answer order (what stable_sort gives, without its
      // buffer): an MX set has a handful of records.
      auto pos = mx.end();
      while (pos != mx.begin() && (*(pos - 1))->preference > r.preference) --pos;
      mx.insert(pos, &r);
    }
    // 4.6.4: "the evaluation of each MX record MUST NOT result in querying more than 10 address
    // records"; exceeding it is permerror. Decided on the size of the set, before any address
    // query, as pyspf does: the order of equal-preference MX records is random in live DNS, so a
    // check that stopped at the 11th name would pass or fail the same message by chance, and the
    // set is the publishing domain's own mistake whichever client is checked.
    if (static_cast<int>(mx.size()) > options_.max_mx_names) {
      *why = "more than " + std::to_string(options_.max_mx_names) + " MX names for " +
             std::string(target) + " (" + std::to_string(mx.size()) + ")";
      return Match::kPermError;
    }
    for (size_t i = 0; i < mx.size(); ++i) {
      const std::string_view host = StripTrailingDot(mx[i]->target);
      if (host.empty()) continue;  // null MX (RFC 7505)
      Match m = AddressMatch(host, d.cidr4, d.cidr6, false, why);
      if (m != Match::kNo) return m;
    }
    return Match::kNo;
  }

  Match PtrMatch(std::string_view target, std::string* why) {
    const PtrNames& p = Ptr();
    if (p.status == DnsStatus::kNxDomain || p.status == DnsStatus::kNoData) {
      if (!CountVoid()) {
        *why = "more than " + std::to_string(options_.max_void_lookups) + " void lookups";
        return Match::kPermError;
      }
      return Match::kNo;
    }
    for (const std::string& n : p.validated) {
      if (EndsWithDomain(n, target)) return Match::kYes;
    }
    return Match::kNo;  // 5.5: a PTR lookup error means no match
  }

  std::string Explain(const SpfRecord& record, const std::string& domain) {
    if (!record.has_exp) return "";
    std::string target_storage;
    const std::string_view target = TargetName(record.exp, domain, &target_storage);
    if (!IsQueryableName(target)) return "";
    const std::shared_ptr<const DnsAnswer> a_held =
        Query(target, DnsType::kTxt);  // not counted against any limit (6.2)
    const DnsAnswer& a = *a_held;
    if (a.status != DnsStatus::kOk) return "";
    const DnsRecord* txt = nullptr;
    for (const DnsRecord& r : a.records) {
      if (r.type != DnsType::kTxt) continue;
      if (txt) return "";  // more than one record: ignore exp=
      txt = &r;
    }
    if (!txt) return "";
    std::string storage;
    const std::string_view text = txt->JoinedTxtView(&storage);
    std::string out;
    if (!ExpandMacroString(text, Values(domain, false), MacroContext::kExplanation, &out)) {
      return "";
    }
    return out;
  }

  Outcome CheckHost(const std::string& domain, int depth, bool want_explanation) {
    if (depth > kMaxDepth) return Make(SpfResult::kPermError, "include/redirect nested too deeply");
    if (!IsCheckableSpfDomain(domain)) return Make(SpfResult::kNone, "malformed domain " + domain);
    const std::shared_ptr<const DnsAnswer> a_held = Query(domain, DnsType::kTxt);
    const DnsAnswer& a = *a_held;
    if (a.status == DnsStatus::kTempError) {
      return Make(SpfResult::kTempError,
                  "DNS error looking up TXT " + domain + (a.error.empty() ? "" : ": " + a.error));
    }
    if (depth > 0 && IsVoid(a, DnsType::kTxt) && !CountVoid()) {
      return Make(SpfResult::kPermError,
                  "more than " + std::to_string(options_.max_void_lookups) + " void lookups");
    }
    if (a.status != DnsStatus::kOk) {
      return Make(SpfResult::kNone, std::string("no SPF record at ") + domain + " (" +
                                        std::string(DnsStatusName(a.status)) + ")");
    }
    // Views into the held answer (joined into `storage` only for a multi-string record).
    std::string storage, scratch;
    std::string_view text;
    int found = 0;
    for (const DnsRecord& r : a.records) {
      if (r.type != DnsType::kTxt) continue;
      std::string* into = found == 0 ? &storage : &scratch;
      const std::string_view joined = r.JoinedTxtView(into);
      if (!IsSpfRecord(joined)) continue;
      if (++found == 1) text = joined;
    }
    if (found == 0) return Make(SpfResult::kNone, "no SPF record at " + domain);
    if (found > 1) return Make(SpfResult::kPermError, "more than one SPF record at " + domain);
    const std::shared_ptr<const ParsedSpfRecord> cached = ParseSpfRecordCached(text);
    const Result<SpfRecord>& parsed = cached->parsed;
    if (!parsed.ok()) {
      return Make(SpfResult::kPermError, "SPF record of " + domain + ": " + parsed.error());
    }
    const SpfRecord& record = *parsed;
    for (const SpfDirective& d : record.directives) {
      std::string why;
      Match m = EvaluateDirective(d, domain, depth, &why);
      if (m == Match::kNo) continue;
      if (m == Match::kTempError) return Make(SpfResult::kTempError, why);
      if (m == Match::kPermError) return Make(SpfResult::kPermError, why);
      Outcome o = Make(QualifierResult(d.qualifier),
                       "matched " + std::string(d.text) + " in the SPF record of " + domain);
      o.mechanism = std::string(d.text);
      if (o.result == SpfResult::kFail && want_explanation) o.explanation = Explain(record, domain);
      return o;
    }
    if (!record.has_redirect) {
      return Make(SpfResult::kNeutral, "no term matched in the SPF record of " + domain);
    }
    if (!CountLookup()) {
      return Make(SpfResult::kPermError,
                  "more than " + std::to_string(options_.max_dns_lookups) + " DNS-querying terms");
    }
    std::string target_storage;
    const std::string target(TargetName(record.redirect, domain, &target_storage));
    if (ptr_limit_hit_) return Make(SpfResult::kPermError, PtrLimitReason());
    // 6.1: exp= of the redirecting record is not used; the target's own exp= is.
    Outcome sub = CheckHost(target, depth + 1, want_explanation);
    if (sub.result == SpfResult::kNone) {
      return Make(SpfResult::kPermError,
                  "redirect=" + target + " has no SPF record (" + sub.reason + ")");
    }
    return sub;
  }

  DnsResolver* dns_;
  const SpfEvaluatorOptions& options_;
  const SpfRequest& request_;
  std::string local_, sender_domain_, sender_;
  int lookups_ = 0;
  int voids_ = 0;
  std::optional<PtrNames> ptr_;
  bool ptr_limit_hit_ = false;  // a %{p} expansion found the lookup limit reached
};

}  // namespace

bool IsCheckableSpfDomain(std::string_view domain) {
  domain = StripTrailingDot(domain);
  if (!IsQueryableName(domain)) return false;
  if (domain.front() == '[') return false;  // an address literal, not a domain
  size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos) return false;  // not multi-label
  return !IsAllDigits(domain.substr(dot + 1));      // an IPv4 address is not a domain either
}

SpfVerdict SpfEvaluator::CheckHost(const SpfRequest& request) const {
  Evaluation evaluation(dns_, options_, request);
  return evaluation.Run();
}

}  // namespace mv
