#include "dkim/dkim_verifier.h"

#include <ctime>

#include "dkim/body_hasher.h"
#include "dkim/dkim_signature.h"
#include "dkim/header_hash.h"
#include "dns/key_archive.h"

namespace mv {
namespace {

constexpr std::string_view kSignatureField = "DKIM-Signature";
// Bodies are fed to the hashers in slices of this size, so both canonicalizations read a slice
// while it is still in cache: one pass over the body's memory.
constexpr size_t kBodySlice = 64 * 1024;

// A signature on its way through the checks.
struct Pending {
  DkimSignatureParse parse;
  DkimResult* result = nullptr;
  std::vector<std::shared_ptr<const DkimKey>> keys;  // every usable key at the name
  std::vector<std::string> comments;                 // each key record's zone-file comment
  std::vector<std::shared_ptr<const KeyArchiveWindow>> windows;  // each key's archive window
  std::shared_ptr<const DkimKey> key;  // the one reported: the verifying one
  int hasher = -1;                     // index into the body hashers (0 simple, 1 relaxed)
  size_t target = 0;
};

void Conclude(DkimResult* r, DkimResultCode code, DkimReason reason, std::string detail = {}) {
  r->result = code;
  r->reason = reason;
  r->detail = std::move(detail);
}

void FillReported(const DkimSignature& sig, DkimResult* r) {
  r->d = std::string(sig.d);
  r->s = std::string(sig.s);
  r->a = std::string(sig.a);
  r->c = std::string(sig.c);
  r->i = std::string(sig.i);
  r->l = sig.length;
  r->t = sig.timestamp;
  r->x = sig.expiry;
  r->h.assign(sig.signed_names.begin(), sig.signed_names.end());
  if (const Tag* b = sig.tags.Find("b")) r->b = RemoveFws(b->value);
}

// Why `key` cannot check `sig`, or kOk. Fills `detail` for a person.
DkimReason KeyProblem(const DkimSignature& sig, const DkimKey& key, std::string* detail) {
  if (key.type != AlgorithmKeyType(sig.algorithm)) {
    *detail = "key type does not match a=" + std::string(sig.a);
    return DkimReason::kKeySyntax;
  }
  if (!key.Allows(sig.hash())) {
    *detail = "key h= does not allow " + std::string(DkimHashName(sig.hash()));
    return DkimReason::kKeyHashMismatch;
  }
  if (!key.email_service) {
    *detail = "key s= excludes email";
    return DkimReason::kKeyService;
  }
  if (key.strict_identity && sig.identity_domain != sig.domain) {
    *detail = "key t=s but i= is a subdomain of d=";
    return DkimReason::kKeyStrictDomain;
  }
  return DkimReason::kOk;
}

// Fetches the keys for a syntactically valid signature. Returns false (with the result concluded)
// when the signature cannot be checked.
//
// Several TXT records at the name: every usable one is a candidate and the signature passes when
// any of them verifies it (RFC 6376 6.1.2 step 3 leaves the choice to the verifier). Live DNS
// rarely has more than one, but a --keys file of historical keys holds every key a selector ever
// had, and old mail must verify against the one it was signed with.
bool ObtainKeys(DnsResolver* resolver, DkimKeyCache* cache, Pending* p) {
  const DkimSignature& sig = p->parse.sig;
  DkimResult* r = p->result;
  const std::string name = std::string(sig.s) + "._domainkey." + sig.domain;
  const std::shared_ptr<const DnsAnswer> shared = resolver->LookupShared(name, DnsType::kTxt);
  const DnsAnswer& answer = *shared;
  r->key_source = answer.source;
  switch (answer.status) {
    case DnsStatus::kOk:
      break;
    case DnsStatus::kTempError:
      Conclude(r, DkimResultCode::kTempError, DkimReason::kDnsTempError,
               name + ": " + answer.error);
      return false;
    case DnsStatus::kNxDomain:
    case DnsStatus::kNoData:
      Conclude(r, DkimResultCode::kPermError, DkimReason::kKeyNotFound,
               name + ": " + std::string(DnsStatusName(answer.status)));
      return false;
    case DnsStatus::kPermError:
      Conclude(r, DkimResultCode::kPermError, DkimReason::kKeyNotFound, name + ": " + answer.error);
      return false;
  }
  // The first record's problem is reported when no record gives a usable key.
  DkimReason first_reason = DkimReason::kKeyNotFound;
  std::string first_detail = name + ": no TXT record";
  bool any = false;
  for (const DnsRecord& rec : answer.records) {
    if (rec.type != DnsType::kTxt) continue;
    // One character string is the usual record: no need to join.
    DkimKeyParse parsed =
        rec.txt.size() == 1 ? cache->Get(rec.txt.front()) : cache->Get(rec.JoinedTxt());
    DkimReason reason = parsed.reason;
    std::string detail = parsed.detail;
    if (reason == DkimReason::kOk) reason = KeyProblem(sig, *parsed.key, &detail);
    if (reason == DkimReason::kOk) {
      p->keys.push_back(parsed.key);
      p->comments.push_back(rec.comment);
      p->windows.push_back(rec.window);
    } else if (!any) {
      first_reason = reason;
      first_detail = std::move(detail);
      if (parsed.key) r->key_bits = parsed.key->bits;
      r->key = parsed.key;
    }
    any = true;
  }
  if (p->keys.empty()) {
    Conclude(r, DkimResultCode::kPermError, first_reason, std::move(first_detail));
    return false;
  }
  p->key = p->keys.front();
  r->key_bits = p->key->bits;
  r->testing = p->key->testing;
  r->key_comment = p->comments.front();
  r->key = p->key;
  r->key_seen = p->windows.front();
  return true;
}

// Final verdict of a signature whose crypto verified: time rules and RFC 8301 strength rules.
void JudgeVerified(const DkimOptions& options, const Pending& p, int64_t now, DkimResult* r) {
  const DkimSignature& sig = p.parse.sig;
  const bool sha1 = sig.algorithm == DkimAlgorithm::kRsaSha1;
  const bool small = p.key->type == DkimKeyType::kRsa && p.key->bits < 1024;
  r->weak = sha1 || small;
  if (r->expired) {
    Conclude(r, DkimResultCode::kPermError, DkimReason::kExpired,
             "x=" + std::to_string(*sig.expiry) + " is before " + std::to_string(now));
  } else if (r->future) {
    Conclude(r, options.strict ? DkimResultCode::kPermError : DkimResultCode::kPass,
             DkimReason::kFutureTimestamp,
             "t=" + std::to_string(*sig.timestamp) + " is after " + std::to_string(now));
  } else if (small) {
    Conclude(r, options.strict ? DkimResultCode::kPermError : DkimResultCode::kPass,
             DkimReason::kKeyTooSmall, std::to_string(p.key->bits) + "-bit RSA key (RFC 8301)");
  } else if (sha1) {
    Conclude(r, options.strict ? DkimResultCode::kPermError : DkimResultCode::kPass,
             DkimReason::kWeakAlgorithm, "rsa-sha1 (RFC 8301)");
  } else {
    Conclude(r, DkimResultCode::kPass, DkimReason::kOk);
  }
}

// Whether b= verifies over the header hash with one of the keys; records the key that does.
bool VerifyHeaderSignature(const HeaderIndex& index, Pending* p) {
  const DkimSignature& sig = p->parse.sig;
  DkimResult* r = p->result;
  const std::vector<const HeaderField*> signed_fields = SelectSignedFields(index, sig.signed_names);
  const std::string digest =
      ComputeHeaderHash(sig.canon.header, sig.hash(), signed_fields, sig.without_b);
  for (size_t k = 0; k < p->keys.size(); ++k) {
    if (VerifyDigestSignature(*p->keys[k], sig.hash(), digest, sig.signature)) {
      p->key = p->keys[k];
      r->key_bits = p->key->bits;
      r->testing = p->key->testing;
      r->key_comment = p->comments[k];
      r->key = p->key;
      r->key_seen = p->windows[k];
      return true;
    }
  }
  return false;
}

// DkimBody::kUnavailable: the header signature alone, bh= taken as written. Not a fail either way
// (the body that bh= covers is not there to check), so a reader learns from header_signature
// whether these headers were signed by d= or altered since.
void VerifyHeadersOnly(const DkimOptions& options, const HeaderIndex& index, int64_t now,
                       Pending* p) {
  DkimResult* r = p->result;
  const bool verified = VerifyHeaderSignature(index, p);
  r->header_signature = verified;
  if (!verified) {
    Conclude(r, DkimResultCode::kNeutral, DkimReason::kBodyUnavailable,
             "no body to check bh= against; b= does not verify over the signed header fields "
             "(altered, or signed with another key)");
    return;
  }
  JudgeVerified(options, *p, now, r);
  if (r->result != DkimResultCode::kPass) return;  // expired, or strict RFC 8301: still decisive
  std::string detail = "no body to check bh= against; b= verifies over the signed header fields";
  if (r->reason != DkimReason::kOk) detail += " (" + std::string(DkimReasonName(r->reason)) + ")";
  Conclude(r, DkimResultCode::kNeutral, DkimReason::kBodyUnavailable, std::move(detail));
}

}  // namespace

DkimVerifier::DkimVerifier(DnsResolver* resolver, DkimOptions options,
                           std::shared_ptr<DkimKeyCache> cache)
    : resolver_(resolver),
      options_(options),
      cache_(cache ? std::move(cache) : std::make_shared<DkimKeyCache>()) {}

std::vector<DkimResult> DkimVerifier::Verify(const HeaderIndex& index, int64_t verify_time,
                                             DkimBody body_state) const {
  const int64_t now = verify_time != 0            ? verify_time
                      : options_.verify_time != 0 ? options_.verify_time
                                                  : static_cast<int64_t>(std::time(nullptr));
  std::vector<const HeaderField*> fields;
  for (const HeaderField& f : index.fields()) {
    if (EqualsIgnoreCase(f.name, kSignatureField)) fields.push_back(&f);
  }
  std::vector<DkimResult> results(fields.size());
  std::vector<Pending> pending;
  pending.reserve(fields.size());
  for (size_t k = 0; k < fields.size(); ++k) {
    DkimResult* r = &results[k];
    r->verified_at = now;
    if (k >= options_.max_signatures) {
      // Reported, never dropped: the tags are read for d=/s=/a= but nothing is verified.
      DkimSignatureParse parse = ParseDkimSignature(*fields[k]);
      FillReported(parse.sig, r);
      Conclude(r, DkimResultCode::kPolicy, DkimReason::kNotChecked,
               "more than " + std::to_string(options_.max_signatures) + " signatures");
      continue;
    }
    Pending p;
    p.parse = ParseDkimSignature(*fields[k], options_.accept_draft_versions);
    p.result = r;
    FillReported(p.parse.sig, r);
    if (p.parse.reason != DkimReason::kOk) {
      Conclude(r, DkimResultCode::kPermError, p.parse.reason, p.parse.detail);
      continue;
    }
    const DkimSignature& sig = p.parse.sig;
    if (sig.signed_names.size() > options_.max_signed_headers) {
      Conclude(r, DkimResultCode::kPermError, DkimReason::kTagSyntax,
               "h= names " + std::to_string(sig.signed_names.size()) +
                   " header fields, more than the limit of " +
                   std::to_string(options_.max_signed_headers));
      continue;
    }
    r->expired = sig.expiry && static_cast<int64_t>(*sig.expiry) < now;
    r->future =
        sig.timestamp && static_cast<int64_t>(*sig.timestamp) > now + options_.allowed_clock_skew;
    if (!ObtainKeys(resolver_, cache_.get(), &p)) continue;
    for (size_t k = p.keys.size(); k-- > 0;) {
      if (p.keys[k]->bits > options_.max_key_bits) {
        p.keys.erase(p.keys.begin() + static_cast<ptrdiff_t>(k));
        p.comments.erase(p.comments.begin() + static_cast<ptrdiff_t>(k));
        p.windows.erase(p.windows.begin() + static_cast<ptrdiff_t>(k));
      }
    }
    if (p.keys.empty()) {
      Conclude(r, DkimResultCode::kPermError, DkimReason::kKeySyntax,
               std::to_string(p.key->bits) + "-bit key, larger than the limit of " +
                   std::to_string(options_.max_key_bits) + " bits");
      continue;
    }
    p.key = p.keys.front();
    r->key_comment = p.comments.front();
    r->key = p.key;
    r->key_seen = p.windows.front();
    pending.push_back(std::move(p));
  }
  if (pending.empty()) return results;
  if (body_state == DkimBody::kUnavailable) {
    for (Pending& p : pending) VerifyHeadersOnly(options_, index, now, &p);
    return results;
  }

  // One hasher per body canonicalization, one digest target per distinct (hash, l=).
  std::optional<BodyHasher> hashers[2];
  struct TargetKey {
    DkimHash hash;
    std::optional<uint64_t> limit;
    size_t index;
  };
  std::vector<TargetKey> keys[2];
  for (Pending& p : pending) {
    const DkimSignature& sig = p.parse.sig;
    p.hasher = sig.canon.body == Canon::kSimple ? 0 : 1;
    if (!hashers[p.hasher]) hashers[p.hasher].emplace(sig.canon.body);
    bool found = false;
    for (const TargetKey& t : keys[p.hasher]) {
      if (t.hash == sig.hash() && t.limit == sig.length) {
        p.target = t.index;
        found = true;
      }
    }
    if (!found) {
      p.target = hashers[p.hasher]->AddTarget(sig.hash(), sig.length);
      keys[p.hasher].push_back({sig.hash(), sig.length, p.target});
    }
  }
  const std::string_view body = index.body();
  for (size_t off = 0; off < body.size(); off += kBodySlice) {
    const std::string_view slice = body.substr(off, kBodySlice);
    for (auto& h : hashers) {
      if (h) h->Update(slice);
    }
  }
  for (auto& h : hashers) {
    if (h) h->Finish();
  }

  for (Pending& p : pending) {
    const DkimSignature& sig = p.parse.sig;
    DkimResult* r = p.result;
    const BodyHasher& bh = *hashers[p.hasher];
    r->body_bytes_total = bh.canonical_length();
    r->body_bytes_signed = bh.hashed_bytes(p.target);
    if (bh.digest(p.target) != sig.body_hash) {
      Conclude(r, DkimResultCode::kFail, DkimReason::kBodyHashMismatch,
               "bh= does not match the canonical body");
      continue;
    }
    if (sig.length && *sig.length > r->body_bytes_total) {
      // The body hash matched, so the signer itself claimed more body than it hashed.
      Conclude(r, DkimResultCode::kPermError, DkimReason::kTagSyntax,
               "l= is larger than the canonical body (RFC 6376 3.5)");
      continue;
    }
    if (!VerifyHeaderSignature(index, &p)) {
      Conclude(r, DkimResultCode::kFail, DkimReason::kSignatureMismatch,
               p.keys.size() == 1
                   ? "b= does not verify over the signed header fields"
                   : "b= verifies with none of the " + std::to_string(p.keys.size()) + " keys");
      continue;
    }
    JudgeVerified(options_, p, now, r);
  }
  return results;
}

void CollectDkimQuestions(const HeaderIndex& index, std::vector<DnsQuestion>* out) {
  const size_t limit = DkimOptions{}.max_signatures;
  size_t seen = 0;
  for (const HeaderField& f : index.fields()) {
    if (!EqualsIgnoreCase(f.name, kSignatureField)) continue;
    if (seen++ >= limit) break;
    Result<TagList> tags = TagList::Parse(f.value);
    if (!tags.ok()) continue;
    const Tag* s = tags->Find("s");
    const Tag* d = tags->Find("d");
    if (s == nullptr || d == nullptr || s->value.empty() || d->value.empty()) continue;
    DnsQuestion q{NormalizeDnsName(std::string(s->value) + "._domainkey." + std::string(d->value)),
                  DnsType::kTxt};
    bool dup = false;
    for (const DnsQuestion& e : *out) dup = dup || e == q;
    if (!dup) out->push_back(std::move(q));
  }
}

void WriteDkimJson(const std::vector<DkimResult>& results, JsonWriter* json) {
  json->BeginArray();
  for (const DkimResult& r : results) {
    json->BeginObject();
    json->Field("d", r.d).Field("s", r.s).Field("a", r.a).Field("c", r.c).Field("i", r.i);
    auto optional = [json](std::string_view key, const std::optional<uint64_t>& v) {
      json->Key(key);
      if (v) {
        json->Uint(*v);
      } else {
        json->Null();
      }
    };
    optional("l", r.l);
    optional("t", r.t);
    optional("x", r.x);
    json->Key("h").BeginArray();
    for (const std::string& name : r.h) json->String(name);
    json->EndArray();
    json->Field("result", DkimResultName(r.result)).Field("reason", DkimReasonName(r.reason));
    if (!r.detail.empty()) json->Field("detail", r.detail);
    json->Field("key_bits", r.key_bits).Field("key_source", r.key_source);
    if (!r.key_comment.empty()) json->Field("key_comment", r.key_comment);
    json->Field("body_bytes_signed", r.body_bytes_signed)
        .Field("body_bytes_total", r.body_bytes_total);
    json->Field("verified_at", r.verified_at);
    if (!r.key_trust.empty()) {
      json->Field("key_trust", r.key_trust);
      json->Key("key_trust_detail").BeginArray();
      for (const std::string& d : r.key_trust_detail) json->String(d);
      json->EndArray();
    }
    if (r.key_seen) {
      json->Key("key_seen").BeginObject();
      json->Field("first", FormatArchiveTime(r.key_seen->first_seen))
          .Field("last", FormatArchiveTime(r.key_seen->last_seen))
          .Field("archive", r.key_seen->archive);
      json->EndObject();
    }
    if (!r.key_window.empty()) json->Field("key_window", r.key_window);
    if (r.testing) json->Field("testing", true);
    if (r.expired) json->Field("expired", true);
    if (r.weak) json->Field("weak", true);
    if (r.future) json->Field("future", true);
    if (r.header_signature) json->Field("header_signature", *r.header_signature ? "pass" : "fail");
    json->EndObject();
  }
  json->EndArray();
}

}  // namespace mv
