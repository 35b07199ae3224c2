#include "verify/auth_check.h"

#include "arc/arc_json.h"
#include "authres/authentication_results.h"
#include "dkim/body_unavailable.h"
#include "dkim/dkim2_presence.h"
#include "dkim/tag_list.h"
#include "dmarc/dmarc_json.h"
#include "dmarc/tree_walk.h"
#include "report/display.h"
#include "report/mail_date.h"
#include "util/json_writer.h"
#include "verify/dns_probe.h"
#include "verify/mbox_quoting_check.h"
#include "verify/recorded_auth_results.h"

namespace mv {
namespace {

std::string ToJson(size_t reserve, const auto& write) {
  std::string out;
  out.reserve(reserve);
  JsonWriter json(&out);
  write(&json);
  return out;
}

// The date after the last ';' of a Received value (RFC 5321 4.4).
std::optional<int64_t> ReceivedTime(std::string_view value) {
  const size_t semicolon = value.rfind(';');
  if (semicolon == std::string_view::npos) return std::nullopt;
  return ParseMailDate(value.substr(semicolon + 1));
}

std::string SamplingKey(const MessageRecord& record) {
  if (record.message_id && !record.message_id->empty()) return *record.message_id;
  return record.provenance.source + ":" + std::to_string(record.provenance.index);
}

}  // namespace

AuthCheck::AuthCheck(DnsResolver* resolver, AuthCheckOptions options)
    : resolver_(resolver),
      options_(std::move(options)),
      keys_(std::make_shared<DkimKeyCache>()),
      dkim_(resolver, options_.dkim, keys_),
      arc_(resolver, keys_),
      dmarc_(resolver) {}

int64_t AuthCheck::VerificationTime(const HeaderIndex& headers,
                                    const Provenance& provenance) const {
  if (options_.time_mode == VerifyTimeMode::kReceived) {
    if (provenance.received_at) return *provenance.received_at;  // the store's own record
    if (const HeaderField* received = headers.First("Received")) {
      if (std::optional<int64_t> t = ReceivedTime(received->value)) return *t;
    }
    if (const HeaderField* date = headers.First("Date")) {
      if (std::optional<int64_t> t = ParseMailDate(date->value)) return *t;
    }
  }
  return options_.fixed_time;
}

void AuthCheck::CollectQuestions(const ParsedMessage& msg, std::vector<DnsQuestion>* out) const {
  const HeaderIndex& headers = msg.headers;
  CollectDkimQuestions(headers, out);
  CollectArcQuestions(headers, out);
  CollectSpfQuestions(ExtractEnvelope(headers, options_.spf.envelope), out);
  const std::vector<std::string_view> from_values = FromFieldValues(headers);
  if (from_values.empty()) return;
  if (SelectDmarcRules(options_.dmarc_rules, VerificationTime(headers, msg.raw.provenance)) ==
      DmarcRules::kRfc9989) {
    // The From domain's tree walk (identifier walks depend on the DKIM and SPF results).
    if (Result<std::string> from = ExtractFromDomain({from_values[0]}); from.ok()) {
      for (std::string& name : TreeWalkNames(*from))
        out->push_back({std::move(name), DnsType::kTxt});
    }
  } else if (Result<std::string> from = ExtractFromDomain(from_values); from.ok()) {
    for (DnsQuestion& q : CollectDmarcQuestions(*from)) out->push_back(std::move(q));
  }
}

void AuthCheck::CollectFollowUps(const ParsedMessage& msg, std::vector<DnsQuestion>* out) const {
  // DKIM and ARC ask for keys only, all named up front; SPF and DMARC discover their names as
  // they go, so they are run against a probe that notes what is not at hand yet.
  const HeaderIndex& headers = msg.headers;
  AuthProbe probe(resolver_, out);
  SpfOptions spf_options = options_.spf;
  spf_options.evaluator.now = VerificationTime(headers, msg.raw.provenance);
  const SpfOutcome spf = SpfCheck(headers, probe, spf_options);

  DmarcInput dmarc_input;
  dmarc_input.from_values = FromFieldValues(headers);
  // Every signer counts as passing, so that the names a pass would make DMARC ask are fetched.
  for (const HeaderField& f : headers.fields()) {
    if (!EqualsIgnoreCase(f.name, "DKIM-Signature")) continue;
    Result<TagList> tags = TagList::Parse(f.value);
    if (!tags.ok()) continue;
    if (const Tag* d = tags->Find("d"); d != nullptr && !d->value.empty()) {
      dmarc_input.dkim.push_back({std::string(d->value), true});
    }
  }
  dmarc_input.spf = {spf.identity.domain, std::string(SpfResultName(spf.verdict.result)),
                     spf.identity.kind == "helo"};
  dmarc_input.rules = SelectDmarcRules(options_.dmarc_rules, spf_options.evaluator.now);
  DmarcEvaluator(&probe).Evaluate(dmarc_input);
}

void AuthCheck::Run(const ParsedMessage& msg, MessageRecord* record) const {
  const HeaderIndex& headers = msg.headers;
  const int64_t now = VerificationTime(headers, msg.raw.provenance);

  // Outlook stores keep only the header block: DKIM and ARC then check the header signatures and
  // leave the body hashes alone (body-unavailable) rather than failing them.
  const bool headers_only = record->provenance.mime == "headers-only";
  std::vector<DkimResult> dkim =
      dkim_.Verify(headers, now, headers_only ? DkimBody::kUnavailable : DkimBody::kAvailable);
  if (msg.raw.provenance.mime == "incomplete") MarkBodyUnavailable(&dkim);
  // An mbox body whose "From " lines were quoted another way is read that way for DKIM and ARC.
  const MboxQuotingOutcome quoting = ResolveMboxQuoting(msg, dkim_, now, &dkim);
  const HeaderIndex requoted =
      quoting.message.empty() ? HeaderIndex() : HeaderIndex::Build(quoting.message);
  if (!quoting.reading.empty()) record->AddMember("mbox_quoting", "\"" + quoting.reading + "\"");
  SpfOptions spf_options = options_.spf;
  spf_options.evaluator.now = now;
  const SpfOutcome spf = SpfCheck(headers, *resolver_, spf_options);
  ArcResult arc = arc_.Validate(quoting.message.empty() ? headers : requoted, !headers_only);
  AnnotateKeys(headers, &dkim, &arc, record);

  DmarcInput dmarc_input;
  dmarc_input.from_values = FromFieldValues(headers);
  for (const DkimResult& r : dkim) {
    dmarc_input.dkim.push_back({r.d, r.result == DkimResultCode::kPass});
  }
  dmarc_input.spf = {spf.identity.domain, std::string(SpfResultName(spf.verdict.result)),
                     spf.identity.kind == "helo"};
  dmarc_input.rules = SelectDmarcRules(options_.dmarc_rules, now);
  const std::string sampling_key = SamplingKey(*record);
  dmarc_input.sampling_key = sampling_key;
  const DmarcResult dmarc = dmarc_.Evaluate(dmarc_input);
  // With several From fields, the record's `from` is the one DMARC judged (not merely the topmost),
  // and dmarc.from_count says how many there were.
  if (dmarc.from_count > 1 && !dmarc.from_domain.empty()) {
    record->from = DecodeHeaderForDisplay(dmarc_input.from_values[dmarc.from_index]);
  }

  // Each member is written into a string reserved for its usual size (see the reference scan's
  // output), so serialising does not grow it step by step.
  record->members.reserve(record->members.size() + 6);
  record->AddMember("dkim",
                    ToJson(448 * dkim.size() + 2, [&](JsonWriter* j) { WriteDkimJson(dkim, j); }));
  record->AddMember("spf", ToJson(512, [&](JsonWriter* j) { WriteSpfJson(spf, j); }));
  record->AddMember("dmarc", ToJson(640, [&](JsonWriter* j) { WriteDmarcJson(dmarc, j); }));
  record->AddMember("arc", ToJson(128, [&](JsonWriter* j) { WriteArcJson(arc, j); }));
  // DKIM2 fields are reported, not verified (dkim2_presence.h); the member is there only when the
  // message has some.
  if (const Dkim2Presence dkim2 = FindDkim2Fields(headers); dkim2.present()) {
    record->AddMember("dkim2", ToJson(96, [&](JsonWriter* j) { WriteDkim2Json(dkim2, j); }));
    record->Count("dkim2.present");
  }

  // RFC 9989 (IANA considerations, Authentication-Results method registry) registers polrec.p and
  // polrec.domain (the latter only when the record is not the From domain's own); RFC 7489 output
  // keeps its old form.
  const bool polrec = dmarc.rules == DmarcRules::kRfc9989 && dmarc.record;
  const std::string_view dmarc_polrec_p = polrec ? dmarc.record->policy : std::string_view();
  const std::string_view dmarc_polrec_domain =
      polrec && dmarc.policy_domain != dmarc.from_domain ? dmarc.policy_domain : std::string_view();

  if (std::string recorded = RecordedAuthResultsJson(headers); !recorded.empty()) {
    record->AddMember("recorded_auth_results", std::move(recorded));
  }

  // Authentication-Results (RFC 8601): one dkim entry per signature, then spf, dmarc, arc. The
  // entries are views into the results above.
  std::vector<AuthResEntry> entries;
  entries.reserve(dkim.size() + 4);
  std::vector<std::string_view> b_values;
  b_values.reserve(dkim.size());
  for (const DkimResult& r : dkim) b_values.push_back(r.b);
  const std::vector<std::string_view> b_prefixes = HeaderBPrefixes(b_values);
  for (size_t i = 0; i < dkim.size(); ++i) {
    const DkimResult& r = dkim[i];
    const std::string_view reason =
        r.reason == DkimReason::kOk ? std::string_view() : DkimReasonName(r.reason);
    entries.push_back(
        DkimAuthRes(DkimResultName(r.result), r.d, r.s, b_prefixes[i], reason, r.i, r.a));
    record->CountResult("dkim", DkimResultName(r.result));
  }
  if (dkim.empty()) {
    entries.push_back(AuthResEntry{"dkim", "none", "", "", {}});
    record->Count("dkim.unsigned");
  }
  const std::string_view mailfrom =
      spf.identity.kind == "mailfrom" ? std::string_view(spf.identity.sender) : std::string_view();
  entries.push_back(SpfAuthRes(SpfResultName(spf.verdict.result), mailfrom, spf.envelope.helo));
  entries.push_back(DmarcAuthRes(DmarcResultName(dmarc.result), dmarc.from_domain,
                                 dmarc.applied_policy, {}, dmarc.policy, dmarc_polrec_p,
                                 dmarc_polrec_domain));
  const std::string oldest_pass = arc.result == ArcResultCode::kPass && arc.oldest_pass > 0
                                      ? std::to_string(arc.oldest_pass)
                                      : std::string();
  entries.push_back(ArcAuthRes(ArcResultName(arc.result), {}, oldest_pass));
  Result<std::string> auth_results = FormatAuthenticationResults(options_.authserv_id, entries);
  if (auth_results.ok()) {
    std::string json;
    json.reserve(auth_results->size() + 16);
    AppendJsonString(&json, *auth_results);
    record->AddMember("auth_results", std::move(json));
    record->auth_results = std::move(*auth_results);
  } else {
    record->AddError("Authentication-Results: " + auth_results.error());
  }

  record->CountResult("spf", SpfResultName(spf.verdict.result));
  record->CountResult("dmarc", DmarcResultName(dmarc.result));
  record->CountResult("arc", ArcResultName(arc.result));
}

}  // namespace mv
