#include "arc/arc_validator.h"

#include <map>
#include <optional>
#include <tuple>

#include "dkim/body_hasher.h"
#include "dkim/header_hash.h"
#include "dkim/tag_list.h"

namespace mv {
namespace {

constexpr std::string_view kSealName = "ARC-Seal";
constexpr std::string_view kAmsName = "ARC-Message-Signature";
constexpr std::string_view kAarName = "ARC-Authentication-Results";

struct Fields {
  std::vector<const HeaderField*> seals, signatures, results;
};

void Fail(ArcResult* r, std::string reason) {
  r->result = ArcResultCode::kFail;
  if (r->reason.empty()) r->reason = std::move(reason);
}

// Looks up and checks the key for d=/s=, then verifies `signature` over `digest`. RFC 8301 is
// applied before anything else: rsa-sha1 fails without a lookup.
void VerifySignature(DnsResolver* resolver, DkimKeyCache* cache, const ArcSignatureCommon& sig,
                     std::string_view digest, ArcSignatureCheck* out) {
  out->checked = true;
  out->pass = false;
  if (sig.algorithm == DkimAlgorithm::kRsaSha1) {
    out->reason = "rsa-sha1 is not allowed (RFC 8301)";
    return;
  }
  const std::string name = std::string(sig.s) + "._domainkey." + sig.domain;
  DnsAnswer answer = resolver->Lookup(name, DnsType::kTxt);
  if (answer.status == DnsStatus::kTempError) {
    out->temperror = true;
    out->reason = "key lookup " + name + ": temporary DNS error " + answer.error;
    return;
  }
  if (!answer.ok()) {
    out->reason = "key lookup " + name + ": " + std::string(DnsStatusName(answer.status));
    return;
  }
  std::shared_ptr<const DkimKey> key;
  std::string key_problem = "no TXT record";
  for (const DnsRecord& rec : answer.records) {
    if (rec.type != DnsType::kTxt) continue;
    DkimKeyParse parsed = cache->Get(rec.JoinedTxt());
    if (parsed.reason == DkimReason::kOk) {
      key = parsed.key;
      break;
    }
    key_problem = std::string(DkimReasonName(parsed.reason)) +
                  (parsed.detail.empty() ? "" : ": " + parsed.detail);
  }
  if (key == nullptr) {
    out->reason = "key " + name + ": " + key_problem;
    return;
  }
  out->key_bits = key->bits;
  out->key = key;
  if (key->type != AlgorithmKeyType(sig.algorithm)) {
    out->reason = "key type does not match a=" + std::string(sig.a);
    return;
  }
  if (!key->Allows(AlgorithmHash(sig.algorithm))) {
    out->reason = "key h= does not allow the signature's hash";
    return;
  }
  if (key->type == DkimKeyType::kRsa && key->bits < 1024) {
    out->reason = std::to_string(key->bits) + "-bit RSA key is too small (RFC 8301)";
    return;
  }
  if (!VerifyDigestSignature(*key, AlgorithmHash(sig.algorithm), digest, sig.signature)) {
    out->reason = "b= does not verify";
    return;
  }
  out->pass = true;
}

}  // namespace

std::string_view ArcResultName(ArcResultCode code) {
  switch (code) {
    case ArcResultCode::kNone:
      return "none";
    case ArcResultCode::kPass:
      return "pass";
    case ArcResultCode::kFail:
      return "fail";
  }
  return "fail";
}

ArcValidator::ArcValidator(DnsResolver* resolver, std::shared_ptr<DkimKeyCache> cache)
    : resolver_(resolver), cache_(cache ? std::move(cache) : std::make_shared<DkimKeyCache>()) {}

ArcResult ArcValidator::Validate(const HeaderIndex& index, bool body_available) const {
  ArcResult r;
  Fields f;
  for (const HeaderField& field : index.fields()) {
    if (EqualsIgnoreCase(field.name, kSealName)) {
      f.seals.push_back(&field);
    } else if (EqualsIgnoreCase(field.name, kAmsName)) {
      f.signatures.push_back(&field);
    } else if (EqualsIgnoreCase(field.name, kAarName)) {
      f.results.push_back(&field);
    }
  }
  if (f.seals.empty() && f.signatures.empty() && f.results.empty()) {
    r.reason = "no ARC header fields";
    return r;
  }

  // Structure (RFC 8617 5.2 step 3): every field has an instance, and 1..N each have exactly one
  // AS, one AMS and one AAR.
  using Slots = std::map<int, std::vector<const HeaderField*>>;
  Slots seals, signatures;
  std::map<int, std::vector<ArcAuthResults>> results;
  bool structure_ok = true;
  auto place = [&](const std::vector<const HeaderField*>& list, std::string_view what,
                   Slots* slots) {
    for (const HeaderField* field : list) {
      Result<int> i = ParseArcInstanceTag(*field);
      if (!i.ok()) {
        Fail(&r, std::string(what) + " without a valid instance: " + i.error());
        structure_ok = false;
        continue;
      }
      (*slots)[*i].push_back(field);
      r.instances = std::max(r.instances, *i);
    }
  };
  place(f.seals, kSealName, &seals);
  place(f.signatures, kAmsName, &signatures);
  for (const HeaderField* field : f.results) {
    Result<ArcAuthResults> aar = ParseArcAuthResults(*field);
    if (!aar.ok()) {
      Fail(&r, "ARC-Authentication-Results unreadable: " + aar.error());
      structure_ok = false;
      continue;
    }
    r.instances = std::max(r.instances, aar->instance);
    results[aar->instance].push_back(std::move(aar).value());
  }
  const int n = r.instances;
  for (int i = 1; i <= n; ++i) {
    const size_t counts[3] = {seals[i].size(), signatures[i].size(), results[i].size()};
    const std::string_view names[3] = {kSealName, kAmsName, kAarName};
    for (int k = 0; k < 3; ++k) {
      if (counts[k] != 1) {
        Fail(&r, "instance " + std::to_string(i) + " has " + std::to_string(counts[k]) + " " +
                     std::string(names[k]) + " fields");
        structure_ok = false;
      }
    }
  }

  // What each hop recorded, whatever happens next.
  std::vector<std::optional<ArcSeal>> parsed_seals(n + 1);
  std::vector<std::optional<ArcMessageSignature>> parsed_ams(n + 1);
  r.hops.resize(n);
  for (int i = 1; i <= n; ++i) {
    ArcHop& hop = r.hops[i - 1];
    hop.instance = i;
    if (results[i].size() == 1) {
      hop.authserv_id = results[i][0].authserv_id;
      hop.results = results[i][0].results;
    }
    if (seals[i].size() == 1) {
      Result<ArcSeal> seal = ParseArcSeal(*seals[i][0]);
      if (seal.ok()) {
        hop.cv = std::string(ArcCvName(seal->cv));
        hop.seal.d = std::string(seal->d);
        hop.seal.s = std::string(seal->s);
        hop.seal.a = std::string(seal->a);
        parsed_seals[i] = std::move(seal).value();
      } else {
        hop.seal.checked = true;
        hop.seal.reason = seal.error();
        Fail(&r, "ARC-Seal i=" + std::to_string(i) + ": " + seal.error());
      }
    }
    if (signatures[i].size() == 1) {
      Result<ArcMessageSignature> ams = ParseArcMessageSignature(*signatures[i][0]);
      if (ams.ok()) {
        hop.message_signature.d = std::string(ams->d);
        hop.message_signature.s = std::string(ams->s);
        hop.message_signature.a = std::string(ams->a);
        parsed_ams[i] = std::move(ams).value();
      } else {
        hop.message_signature.checked = true;
        hop.message_signature.reason = ams.error();
      }
    }
  }
  if (!structure_ok || n == 0) {
    if (r.result != ArcResultCode::kFail) Fail(&r, "incomplete ARC sets");
    return r;
  }

  // Chain validation status rules (5.2 steps 2 and 3.3).
  if (parsed_seals[n] && parsed_seals[n]->cv == ArcCv::kFail) {
    Fail(&r, "the newest ARC-Seal (i=" + std::to_string(n) + ") already says cv=fail");
  }
  for (int i = 1; i <= n; ++i) {
    if (!parsed_seals[i]) continue;
    const ArcCv want = i == 1 ? ArcCv::kNone : ArcCv::kPass;
    if (parsed_seals[i]->cv != want) {
      Fail(&r, "ARC-Seal i=" + std::to_string(i) +
                   " has cv=" + std::string(ArcCvName(parsed_seals[i]->cv)) + ", expected " +
                   std::string(ArcCvName(want)));
    }
  }

  // Every AMS, newest first. Body hashes are shared between AMSs with the same parameters.
  r.body_unavailable = !body_available;
  std::map<std::tuple<int, int, std::optional<uint64_t>>, std::string> body_hashes;
  for (int i = n; i >= 1; --i) {
    ArcSignatureCheck& check = r.hops[i - 1].message_signature;
    if (!parsed_ams[i]) continue;
    const ArcMessageSignature& ams = *parsed_ams[i];
    const DkimHash hash = AlgorithmHash(ams.algorithm);
    check.body_unavailable = !body_available;
    const auto key =
        std::make_tuple(static_cast<int>(ams.canon.body), static_cast<int>(hash), ams.length);
    auto it = body_hashes.find(key);
    if (!body_available) {
      // bh= taken as written: nothing to compare it with.
    } else if (it == body_hashes.end()) {
      it = body_hashes
               .emplace(key, ComputeBodyHash(ams.canon.body, hash, ams.length, index.body()).digest)
               .first;
    }
    if (body_available && it->second != ams.body_hash) {
      check.checked = true;
      check.reason = "bh= does not match the body";
      continue;
    }
    const std::vector<const HeaderField*> signed_fields =
        SelectSignedFields(index, ams.signed_names);
    const std::string digest =
        ComputeHeaderHash(ams.canon.header, hash, signed_fields, ams.without_b);
    VerifySignature(resolver_, cache_.get(), ams, digest, &check);
  }
  const ArcSignatureCheck& newest = r.hops[n - 1].message_signature;
  if (!newest.pass) {
    r.temperror = r.temperror || newest.temperror;
    Fail(&r, "ARC-Message-Signature i=" + std::to_string(n) + ": " +
                 (newest.reason.empty() ? "unreadable" : newest.reason));
  }
  for (int i = n - 1; i >= 1; --i) {
    if (!r.hops[i - 1].message_signature.pass) {
      r.oldest_pass = i + 1;
      break;
    }
  }

  // Every seal (5.1.1): the ARC sets 1..i in instance order, AAR, AMS, AS each, relaxed, with the
  // sealed AS itself last and its b= emptied.
  for (int i = n; i >= 1; --i) {
    if (!parsed_seals[i]) continue;
    const ArcSeal& seal = *parsed_seals[i];
    std::vector<const HeaderField*> sealed;
    for (int j = 1; j <= i; ++j) {
      sealed.push_back(results[j][0].field);
      sealed.push_back(signatures[j][0]);
      if (j < i) sealed.push_back(seals[j][0]);
    }
    const std::string digest =
        ComputeHeaderHash(Canon::kRelaxed, AlgorithmHash(seal.algorithm), sealed, seal.without_b);
    ArcSignatureCheck& check = r.hops[i - 1].seal;
    VerifySignature(resolver_, cache_.get(), seal, digest, &check);
    if (!check.pass) {
      r.temperror = r.temperror || check.temperror;
      Fail(&r, "ARC-Seal i=" + std::to_string(i) + ": " + check.reason);
    }
  }
  if (r.result != ArcResultCode::kFail) r.result = ArcResultCode::kPass;
  return r;
}

void CollectArcQuestions(const HeaderIndex& index, std::vector<DnsQuestion>* out) {
  for (const HeaderField& field : index.fields()) {
    if (!EqualsIgnoreCase(field.name, kSealName) && !EqualsIgnoreCase(field.name, kAmsName)) {
      continue;
    }
    Result<TagList> tags = TagList::Parse(field.value);
    if (!tags.ok()) continue;
    const Tag* s = tags->Find("s");
    const Tag* d = tags->Find("d");
    if (s == nullptr || d == nullptr || s->value.empty() || !IsValidSigningDomain(d->value)) {
      continue;
    }
    DnsQuestion q{NormalizeDnsName(std::string(s->value) + "._domainkey." + std::string(d->value)),
                  DnsType::kTxt};
    bool dup = false;
    for (const DnsQuestion& e : *out) dup = dup || e == q;
    if (!dup) out->push_back(std::move(q));
  }
}

}  // namespace mv
