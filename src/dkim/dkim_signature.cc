#include "dkim/dkim_signature.h"

#include "dkim/header_hash.h"

namespace mv {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

DkimSignatureParse& Fail(DkimSignatureParse& out, DkimReason reason, std::string detail) {
  out.reason = reason;
  out.detail = std::move(detail);
  return out;
}

}  // namespace

std::optional<DkimAlgorithm> ParseDkimAlgorithm(std::string_view a) {
  if (a == "rsa-sha256") return DkimAlgorithm::kRsaSha256;
  if (a == "rsa-sha1") return DkimAlgorithm::kRsaSha1;
  if (a == "ed25519-sha256") return DkimAlgorithm::kEd25519Sha256;
  return std::nullopt;
}

DkimHash AlgorithmHash(DkimAlgorithm a) {
  return a == DkimAlgorithm::kRsaSha1 ? DkimHash::kSha1 : DkimHash::kSha256;
}

DkimKeyType AlgorithmKeyType(DkimAlgorithm a) {
  return a == DkimAlgorithm::kEd25519Sha256 ? DkimKeyType::kEd25519 : DkimKeyType::kRsa;
}

std::optional<uint64_t> ParseDkimNumber(std::string_view value, size_t max_digits) {
  if (value.empty() || value.size() > max_digits) return std::nullopt;
  uint64_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t next = n * 10 + static_cast<uint64_t>(c - '0');
    if (next / 10 != n) return UINT64_MAX;  // saturate: a 76-digit l= means "everything"
    n = next;
  }
  return n;
}

bool IsSameOrSubdomain(std::string_view sub, std::string_view domain) {
  if (sub.size() == domain.size()) return sub == domain;
  return sub.size() > domain.size() && sub.ends_with(domain) &&
         sub[sub.size() - domain.size() - 1] == '.';
}

std::optional<std::string> DecodeDkimQuotedPrintable(std::string_view value) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t k = 0; k < value.size(); ++k) {
    const char c = value[k];
    if (IsFwsByte(c)) continue;
    if (c != '=') {
      out.push_back(c);
      continue;
    }
    if (k + 2 >= value.size()) return std::nullopt;
    const int hi = hex(value[k + 1]), lo = hex(value[k + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    k += 2;
  }
  return out;
}

DkimSignatureParse ParseDkimSignature(const HeaderField& field, bool accept_draft_versions) {
  DkimSignatureParse out;
  DkimSignature& sig = out.sig;
  sig.field = &field;
  Result<TagList> tags = TagList::Parse(field.value);
  if (!tags.ok()) return Fail(out, DkimReason::kTagSyntax, tags.error());
  sig.tags = std::move(tags).value();
  const TagList& t = sig.tags;
  auto value = [&t](std::string_view name) {
    const Tag* tag = t.Find(name);
    return tag ? tag->value : std::string_view();
  };
  sig.d = value("d");
  sig.s = value("s");
  sig.a = value("a");
  sig.c = value("c");
  sig.i = value("i");
  sig.h = value("h");
  sig.q = value("q");
  sig.domain = Lower(sig.d);
  for (const char* required : {"v", "a", "b", "bh", "d", "h", "s"}) {
    if (t.Find(required) == nullptr && !(accept_draft_versions && required[0] == 'v')) {
      return Fail(out, DkimReason::kTagSyntax, std::string("missing required tag ") + required);
    }
  }
  const bool draft = accept_draft_versions && (t.Find("v") == nullptr || value("v") == "0.5");
  if (value("v") != "1" && !draft) return Fail(out, DkimReason::kTagSyntax, "v= is not 1");
  std::optional<DkimAlgorithm> alg = ParseDkimAlgorithm(sig.a);
  if (!alg) return Fail(out, DkimReason::kUnsupportedAlgorithm, "a=" + std::string(sig.a));
  sig.algorithm = *alg;
  std::optional<Canonicalization> canon = ParseCanonicalization(sig.c);
  if (!canon || (t.Find("c") != nullptr && sig.c.empty())) {
    return Fail(out, DkimReason::kTagSyntax, "unknown canonicalization c=" + std::string(sig.c));
  }
  sig.canon = *canon;
  if (t.Find("q") != nullptr) {
    bool dns = false;
    size_t start = 0;
    while (start <= sig.q.size()) {
      size_t colon = sig.q.find(':', start);
      if (colon == std::string_view::npos) colon = sig.q.size();
      const std::string method = RemoveFws(sig.q.substr(start, colon - start));
      // Drafts wrote "dns" for what RFC 4871 named "dns/txt".
      if (method == "dns/txt" || (draft && method == "dns")) dns = true;
      start = colon + 1;
    }
    if (!dns) return Fail(out, DkimReason::kTagSyntax, "q= does not offer dns/txt");
  }
  if (sig.d.empty() || sig.s.empty()) return Fail(out, DkimReason::kTagSyntax, "empty d= or s=");
  Result<std::vector<std::string_view>> names = ParseHeaderNameList(sig.h);
  if (!names.ok()) return Fail(out, DkimReason::kTagSyntax, names.error());
  sig.signed_names = std::move(names).value();
  if (const Tag* l = t.Find("l")) {
    sig.length = ParseDkimNumber(l->value, 76);
    if (!sig.length) return Fail(out, DkimReason::kTagSyntax, "l= is not a number");
  }
  if (const Tag* ts = t.Find("t")) {
    sig.timestamp = ParseDkimNumber(ts->value, 12);
    if (!sig.timestamp) return Fail(out, DkimReason::kTagSyntax, "t= is not a number");
  }
  if (const Tag* x = t.Find("x")) {
    sig.expiry = ParseDkimNumber(x->value, 12);
    if (!sig.expiry) return Fail(out, DkimReason::kTagSyntax, "x= is not a number");
    if (sig.timestamp && *sig.expiry <= *sig.timestamp) {
      return Fail(out, DkimReason::kTagSyntax, "x= is not after t=");
    }
  }
  Result<std::string> bh = DecodeBase64(value("bh"));
  if (!bh.ok() || bh->empty()) return Fail(out, DkimReason::kTagSyntax, "bh= is not base64");
  sig.body_hash = std::move(bh).value();
  Result<std::string> b = DecodeBase64(value("b"));
  if (!b.ok() || b->empty()) return Fail(out, DkimReason::kTagSyntax, "b= is not base64");
  sig.signature = std::move(b).value();

  if (t.Find("i") != nullptr) {
    std::optional<std::string> identity = DecodeDkimQuotedPrintable(sig.i);
    if (!identity) return Fail(out, DkimReason::kTagSyntax, "i= is not dkim-quoted-printable");
    sig.identity = std::move(*identity);
  } else {
    sig.identity = "@" + std::string(sig.d);
  }
  const size_t at = sig.identity.rfind('@');
  if (at == std::string::npos) return Fail(out, DkimReason::kTagSyntax, "i= has no @");
  sig.identity_domain = Lower(std::string_view(sig.identity).substr(at + 1));
  if (!IsSameOrSubdomain(sig.identity_domain, sig.domain)) {
    return Fail(out, DkimReason::kDomainMismatch, "i= is not within d=");
  }
  bool from = false;
  for (std::string_view n : sig.signed_names) from = from || EqualsIgnoreCase(n, "from");
  if (!from) return Fail(out, DkimReason::kFromNotSigned, "h= does not include From");
  sig.without_b = RemoveSignatureValue(field.raw, t.Find("b")->raw_value);
  return out;
}

}  // namespace mv
