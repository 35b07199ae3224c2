#include "spf/spf_check.h"

#include <utility>

#include "dns/dns_types.h"

namespace mv {

SpfCheckedIdentity IdentityOf(const SpfEnvelope& envelope) {
  SpfCheckedIdentity id;
  if (!envelope.client_ip) {
    id.missing = "no-client-ip";
    return id;
  }
  if (!envelope.has_return_path) {
    id.missing = "no-return-path";
    return id;
  }
  if (envelope.null_sender) {
    // RFC 7208 2.4: a null reverse-path is checked as postmaster@<HELO>.
    if (envelope.helo.empty()) {
      id.missing = "no-helo";
      return id;
    }
    id.kind = "helo";
    id.domain = envelope.helo;
    id.sender = "postmaster@" + envelope.helo;
    return id;
  }
  id.kind = "mailfrom";
  const size_t at = envelope.mail_from.rfind('@');
  id.domain = at == std::string::npos ? envelope.mail_from : envelope.mail_from.substr(at + 1);
  id.sender = envelope.mail_from;
  return id;
}

namespace {

// The check on an envelope the outcome may keep: SpfCheck hands over the one it just extracted
// rather than having it copied.
SpfOutcome CheckOwnedEnvelope(SpfEnvelope envelope, DnsResolver& dns, const SpfOptions& options) {
  SpfOutcome out;
  out.envelope = std::move(envelope);
  SpfEnvelope& e = out.envelope;
  out.identity = IdentityOf(e);
  if (out.identity.kind.empty()) {
    out.verdict.result = SpfResult::kNone;
    out.verdict.reason = out.identity.missing;
  } else {
    // The request borrows the outcome's strings for the evaluation and gives them back: check_host
    // does not keep its request.
    SpfRequest request;
    request.ip = *e.client_ip;
    request.domain = std::move(out.identity.domain);
    request.sender = std::move(out.identity.sender);
    request.helo = std::move(e.helo);
    out.verdict = SpfEvaluator(&dns, options.evaluator).CheckHost(request);
    out.identity.domain = std::move(request.domain);
    out.identity.sender = std::move(request.sender);
    e.helo = std::move(request.helo);
  }
  // Only a verdict actually recomputed is compared: "none, no-client-ip" says nothing about the
  // recorded one.
  out.recorded_differs = !out.identity.kind.empty() && e.recorded_result.has_value() &&
                         *e.recorded_result != out.verdict.result;
  return out;
}

}  // namespace

SpfOutcome SpfCheckEnvelope(const SpfEnvelope& envelope, DnsResolver& dns,
                            const SpfOptions& options) {
  return CheckOwnedEnvelope(envelope, dns, options);
}

SpfOutcome SpfCheck(const HeaderIndex& headers, DnsResolver& dns, const SpfOptions& options) {
  return CheckOwnedEnvelope(ExtractEnvelope(headers, options.envelope), dns, options);
}

void CollectSpfQuestions(const SpfEnvelope& envelope, std::vector<DnsQuestion>* out) {
  const SpfCheckedIdentity id = IdentityOf(envelope);
  if (id.kind.empty() || !IsCheckableSpfDomain(id.domain)) return;
  out->push_back(DnsQuestion{NormalizeDnsName(id.domain), DnsType::kTxt});
}

void WriteSpfJson(const SpfOutcome& o, JsonWriter* json) {
  auto string_or_null = [json](std::string_view key, std::string_view value) {
    if (value.empty()) {
      json->Key(key).Null();
    } else {
      json->Field(key, value);
    }
  };
  const SpfEnvelope& e = o.envelope;
  json->BeginObject();
  json->Field("result", SpfResultName(o.verdict.result));
  json->Field("reason", o.verdict.reason);
  string_or_null("ip", e.client_ip ? e.client_ip->ToString() : std::string());
  string_or_null("helo", e.helo);
  if (e.has_return_path) {
    json->Field("mailfrom", e.mail_from);  // "" is the null reverse-path
  } else {
    json->Key("mailfrom").Null();
  }
  string_or_null("identity", o.identity.kind);
  string_or_null("domain", o.identity.domain);
  json->Field("lookups", o.verdict.lookups);
  json->Field("void_lookups", o.verdict.void_lookups);
  string_or_null("explanation", o.verdict.explanation);
  string_or_null("recorded_result",
                 e.recorded_result ? SpfResultName(*e.recorded_result) : std::string_view());
  string_or_null("recorded_by", e.recorded_by);
  json->Field("recorded_differs", o.recorded_differs);
  json->EndObject();
}

}  // namespace mv
