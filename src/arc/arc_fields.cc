#include "arc/arc_fields.h"

#include "dkim/header_hash.h"
#include "dkim/tag_list.h"

namespace mv {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

std::string_view TrimFws(std::string_view s) {
  while (!s.empty() && IsFwsByte(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsFwsByte(s.back())) s.remove_suffix(1);
  return s;
}

Result<int> ParseInstanceValue(std::string_view v) {
  std::optional<uint64_t> n = ParseDkimNumber(v, 2);
  if (!n || *n < 1 || *n > static_cast<uint64_t>(kMaxArcInstance)) {
    return Status::Error("i=" + std::string(v) + " is not an instance in 1.." +
                         std::to_string(kMaxArcInstance));
  }
  return static_cast<int>(*n);
}

// The tags AS and AMS share: i, a, b, d, s and t.
Status ParseCommon(const HeaderField& field, const TagList& tags, ArcSignatureCommon* out) {
  out->field = &field;
  for (const char* required : {"i", "a", "b", "d", "s"}) {
    if (tags.Find(required) == nullptr) {
      return Status::Error(std::string("missing required tag ") + required + "=");
    }
  }
  Result<int> instance = ParseInstanceValue(tags.Find("i")->value);
  if (!instance.ok()) return instance.status();
  out->instance = *instance;
  out->a = tags.Find("a")->value;
  out->d = tags.Find("d")->value;
  out->s = tags.Find("s")->value;
  std::optional<DkimAlgorithm> alg = ParseDkimAlgorithm(out->a);
  if (!alg) return Status::Error("unsupported algorithm a=" + std::string(out->a));
  out->algorithm = *alg;
  if (!IsValidSigningDomain(out->d)) return Status::Error("invalid d=" + std::string(out->d));
  out->domain = Lower(out->d);
  if (out->s.empty()) return Status::Error("empty s=");
  const Tag* b = tags.Find("b");
  Result<std::string> sig = DecodeBase64(b->value);
  if (!sig.ok() || sig->empty()) return Status::Error("b= is empty or not base64");
  out->signature = std::move(sig).value();
  out->without_b = RemoveSignatureValue(field.raw, b->raw_value);
  if (const Tag* t = tags.Find("t")) {
    out->timestamp = ParseDkimNumber(t->value, 12);
    if (!out->timestamp) return Status::Error("t= is not a number");
  }
  return Status::Ok();
}

// Splits an AAR payload on ';' outside quoted strings and comments, dropping the comments.
std::vector<std::string> SplitResinfo(std::string_view v) {
  std::vector<std::string> parts(1);
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (quoted) {
      parts.back().push_back(c);
      if (c == '\\' && i + 1 < v.size()) {
        parts.back().push_back(v[++i]);
      } else if (c == '"') {
        quoted = false;
      }
    } else if (depth > 0) {
      if (c == '\\') {
        ++i;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        --depth;
      }
    } else if (c == '(') {
      depth = 1;
      parts.back().push_back(' ');
    } else if (c == '"') {
      quoted = true;
      parts.back().push_back(c);
    } else if (c == ';') {
      parts.emplace_back();
    } else {
      parts.back().push_back(IsFwsByte(c) ? ' ' : c);
    }
  }
  return parts;
}

// Space-separated words of one resinfo, keeping quoted strings whole and unquoted.
std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> words;
  std::string cur;
  bool quoted = false, any = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '\\' && i + 1 < s.size()) {
        cur.push_back(s[++i]);
      } else if (c == '"') {
        quoted = false;
      } else {
        cur.push_back(c);
      }
    } else if (c == '"') {
      quoted = any = true;
    } else if (c == ' ') {
      if (any) words.push_back(std::move(cur));
      cur.clear();
      any = false;
    } else {
      cur.push_back(c);
      any = true;
    }
  }
  if (any) words.push_back(std::move(cur));
  // Re-attach "a = b" written with spaces around '='.
  std::vector<std::string> joined;
  for (size_t i = 0; i < words.size(); ++i) {
    if (!joined.empty() &&
        (words[i] == "=" || joined.back().ends_with("=") || words[i].starts_with("="))) {
      joined.back() += words[i];
    } else {
      joined.push_back(words[i]);
    }
  }
  return joined;
}

}  // namespace

std::string_view ArcCvName(ArcCv cv) {
  switch (cv) {
    case ArcCv::kNone:
      return "none";
    case ArcCv::kPass:
      return "pass";
    case ArcCv::kFail:
      return "fail";
  }
  return "fail";
}

bool IsValidSigningDomain(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  size_t label = 0;
  for (size_t i = 0; i <= d.size(); ++i) {
    if (i == d.size() || d[i] == '.') {
      if (label == 0 || label > 63) return false;
      label = 0;
      continue;
    }
    const char c = d[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
    ++label;
  }
  return true;
}

Result<int> ParseArcInstanceTag(const HeaderField& field) {
  Result<TagList> tags = TagList::Parse(field.value);
  if (!tags.ok()) {
    // A broken tag list may still carry a readable i=; look for it so the structure check can
    // place the field, the full parse reports the syntax error.
    const std::string_view part = field.value;
    size_t p = 0;
    while (p < part.size()) {
      size_t semi = part.find(';', p);
      if (semi == std::string_view::npos) semi = part.size();
      std::string_view seg = TrimFws(part.substr(p, semi - p));
      if (seg.size() > 1 && seg[0] == 'i' && TrimFws(seg.substr(1)).starts_with("=")) {
        return ParseInstanceValue(TrimFws(TrimFws(seg.substr(1)).substr(1)));
      }
      p = semi + 1;
    }
    return Status::Error("tag list: " + tags.error());
  }
  const Tag* i = tags->Find("i");
  if (i == nullptr) return Status::Error("missing i=");
  return ParseInstanceValue(i->value);
}

Result<ArcSeal> ParseArcSeal(const HeaderField& field) {
  Result<TagList> tags = TagList::Parse(field.value);
  if (!tags.ok()) return Status::Error("tag list: " + tags.error());
  ArcSeal seal;
  Status s = ParseCommon(field, *tags, &seal);
  if (!s.ok()) return s;
  // RFC 8617 4.1.3: the seal covers the ARC sets, never a list of fields.
  if (tags->Find("h") != nullptr) return Status::Error("ARC-Seal must not have h=");
  const Tag* cv = tags->Find("cv");
  if (cv == nullptr) return Status::Error("missing required tag cv=");
  if (cv->value == "none") {
    seal.cv = ArcCv::kNone;
  } else if (cv->value == "pass") {
    seal.cv = ArcCv::kPass;
  } else if (cv->value == "fail") {
    seal.cv = ArcCv::kFail;
  } else {
    return Status::Error("invalid cv=" + std::string(cv->value));
  }
  return seal;
}

Result<ArcMessageSignature> ParseArcMessageSignature(const HeaderField& field) {
  Result<TagList> tags = TagList::Parse(field.value);
  if (!tags.ok()) return Status::Error("tag list: " + tags.error());
  ArcMessageSignature ams;
  Status s = ParseCommon(field, *tags, &ams);
  if (!s.ok()) return s;
  // An AMS without c= is read as relaxed/relaxed, not DKIM's simple/simple: that is what dkimpy
  // (the ValiMail suite's reference implementation) does, and what the suite's ams_fields_c_na
  // expects since its 2018 revision. ARC signers always write c=, so only such test messages
  // differ.
  const Tag* c = tags->Find("c");
  std::optional<Canonicalization> canon = ParseCanonicalization(c ? c->value : "relaxed/relaxed");
  if (!canon || (c != nullptr && c->value.empty())) {
    return Status::Error("invalid c=" + std::string(c ? c->value : ""));
  }
  ams.canon = *canon;
  const Tag* bh = tags->Find("bh");
  if (bh == nullptr) return Status::Error("missing required tag bh=");
  Result<std::string> body_hash = DecodeBase64(bh->value);
  if (!body_hash.ok() || body_hash->empty()) return Status::Error("bh= is empty or not base64");
  ams.body_hash = std::move(body_hash).value();
  const Tag* h = tags->Find("h");
  if (h == nullptr) return Status::Error("missing required tag h=");
  // Empty names ("a::b", or h= empty) sign nothing; the DKIM list parser refuses them, ARC's
  // reference suite accepts them, so the list is split here.
  size_t p = 0;
  while (p <= h->value.size()) {
    size_t colon = h->value.find(':', p);
    if (colon == std::string_view::npos) colon = h->value.size();
    std::string_view name = TrimFws(h->value.substr(p, colon - p));
    p = colon + 1;
    if (name.empty()) continue;
    // RFC 8617 4.1.2: an AMS must not sign ARC-Seal fields.
    if (EqualsIgnoreCase(name, "ARC-Seal")) return Status::Error("h= includes ARC-Seal");
    ams.signed_names.push_back(name);
  }
  if (const Tag* l = tags->Find("l")) {
    ams.length = ParseDkimNumber(l->value, 76);
    if (!ams.length) return Status::Error("l= is not a number");
  }
  return ams;
}

Result<ArcAuthResults> ParseAuthResultsPayload(std::string_view v) {
  ArcAuthResults aar;
  std::vector<std::string> parts = SplitResinfo(v);
  std::vector<std::string> id_words = Words(parts[0]);
  if (id_words.empty()) return Status::Error("has no authserv-id");
  aar.authserv_id = id_words[0];
  for (size_t k = 1; k < parts.size(); ++k) {
    std::vector<std::string> words = Words(parts[k]);
    if (words.empty()) continue;
    if (words.size() == 1 && EqualsIgnoreCase(words[0], "none")) continue;
    AarResult r;
    const size_t eq = words[0].find('=');
    if (eq == std::string::npos) continue;  // not a resinfo; kept out of the report
    r.method = Lower(words[0].substr(0, eq));
    r.result = Lower(words[0].substr(eq + 1));
    for (size_t w = 1; w < words.size(); ++w) {
      const size_t e = words[w].find('=');
      if (e == std::string::npos) continue;
      std::string key = Lower(words[w].substr(0, e));
      std::string value = words[w].substr(e + 1);
      if (key == "reason") {
        r.reason = std::move(value);
      } else {
        r.properties.emplace_back(std::move(key), std::move(value));
      }
    }
    aar.results.push_back(std::move(r));
  }
  return aar;
}

Result<ArcAuthResults> ParseArcAuthResults(const HeaderField& field) {
  std::string_view v = TrimFws(field.value);
  if (!v.starts_with("i")) return Status::Error("AAR does not start with i=");
  v = TrimFws(v.substr(1));
  if (!v.starts_with("=")) return Status::Error("AAR does not start with i=");
  v = TrimFws(v.substr(1));
  size_t digits = 0;
  while (digits < v.size() && v[digits] >= '0' && v[digits] <= '9') ++digits;
  Result<int> instance = ParseInstanceValue(v.substr(0, digits));
  if (!instance.ok()) return instance.status();
  v = TrimFws(v.substr(digits));
  if (!v.starts_with(";")) return Status::Error("AAR i= is not followed by ';'");
  v.remove_prefix(1);

  Result<ArcAuthResults> aar = ParseAuthResultsPayload(v);
  if (!aar.ok()) return Status::Error("AAR " + aar.status().message());
  aar->field = &field;
  aar->instance = *instance;
  return aar;
}

}  // namespace mv
