// SpfCheck: SPF for one archived message, as the pipeline runs it — recover the envelope from the
// header (envelope.h), run check_host() on the MAIL FROM identity (the HELO identity for a null
// reverse-path, RFC 7208 2.4), compare with the verdict recorded at delivery, and write the `spf`
// JSON object.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dns/resolver.h"
#include "message/header_index.h"
#include "spf/envelope.h"
#include "spf/spf_evaluator.h"
#include "util/json_writer.h"

namespace mv {

struct SpfOptions {
  EnvelopeOptions envelope;       // --receiver patterns, trusted authserv-id
  SpfEvaluatorOptions evaluator;  // default explanation, %{r}, %{t} (verification time), limits
};

// What check_host() is asked: the identity, its domain and the sender it expands to.
struct SpfCheckedIdentity {
  std::string kind;    // "mailfrom" or "helo"; empty when nothing can be checked
  std::string sender;  // local@domain
  std::string domain;
  std::string missing;  // why nothing can be checked: "no-client-ip", "no-return-path", "no-helo"
};
SpfCheckedIdentity IdentityOf(const SpfEnvelope& envelope);

struct SpfOutcome {
  SpfEnvelope envelope;
  SpfCheckedIdentity identity;
  SpfVerdict verdict;  // result none with reason = identity.missing when nothing was checked
  bool recorded_differs = false;
};

// Extracts the envelope and checks it.
SpfOutcome SpfCheck(const HeaderIndex& headers, DnsResolver& dns, const SpfOptions& options);
// Checks an envelope extracted earlier (the pipeline extracts first to batch its DNS questions).
SpfOutcome SpfCheckEnvelope(const SpfEnvelope& envelope, DnsResolver& dns,
                            const SpfOptions& options);

// Appends the first-level question (TXT of the checked domain) so the pipeline can prefetch it in a
// batch; deeper lookups depend on the record and go through the shared cache when evaluated.
void CollectSpfQuestions(const SpfEnvelope& envelope, std::vector<DnsQuestion>* out);

// Writes {"result":..,"reason":..,"ip":..,"helo":..,"mailfrom":..,"identity":..,"domain":..,
// "lookups":..,"void_lookups":..,"explanation":..,"recorded_result":..,"recorded_by":..,
// "recorded_differs":..} as one value (call after Key("spf")). Absent values are null.
void WriteSpfJson(const SpfOutcome& outcome, JsonWriter* json);

}  // namespace mv
