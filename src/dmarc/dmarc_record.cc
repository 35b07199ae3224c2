#include "dmarc/dmarc_record.h"

#include <utility>

#include "message/header_index.h"
#include "util/bounded_cache.h"

namespace mv {
namespace {

struct Tag {
  std::string name;  // lower-cased: ABNF literals are case-insensitive
  std::string_view value;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// Splits "tag=value; tag=value;" into tags. Empty segments (a trailing ';') are allowed; a segment
// without '=' is an error, or under RFC 9989 4.8 (syntax errors are ignored) skipped with a
// warning.
Result<std::vector<Tag>> SplitTags(std::string_view txt, bool skip_bad,
                                   std::vector<std::string>* warnings) {
  std::vector<Tag> tags;
  size_t p = 0;
  while (p <= txt.size()) {
    size_t semi = txt.find(';', p);
    if (semi == std::string_view::npos) semi = txt.size();
    std::string_view seg = Trim(txt.substr(p, semi - p));
    p = semi + 1;
    if (seg.empty()) continue;
    const size_t eq = seg.find('=');
    if (eq == std::string_view::npos && skip_bad) {
      warnings->push_back("segment without '=' ignored: \"" + std::string(seg) + "\"");
      continue;
    }
    if (eq == std::string_view::npos) {
      return Status::Error("tag without '=': \"" + std::string(seg) + "\"");
    }
    tags.push_back({Lower(Trim(seg.substr(0, eq))), Trim(seg.substr(eq + 1))});
  }
  return tags;
}

bool ValidPolicy(std::string_view v) {
  return EqualsIgnoreCase(v, "none") || EqualsIgnoreCase(v, "quarantine") ||
         EqualsIgnoreCase(v, "reject");
}

// dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]; URI needs a scheme (RFC 3986 3.1).
bool ValidDmarcUri(std::string_view u) {
  const size_t bang = u.rfind('!');
  if (bang != std::string_view::npos && u.find(':') < bang) {
    std::string_view size = u.substr(bang + 1);
    if (!size.empty() &&
        (size.back() == 'k' || size.back() == 'm' || size.back() == 'g' || size.back() == 't')) {
      size.remove_suffix(1);
    }
    if (size.empty()) return false;
    for (char c : size) {
      if (c < '0' || c > '9') return false;
    }
    u = u.substr(0, bang);
  }
  const size_t colon = u.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= u.size()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(u[0])) return false;
  for (size_t i = 1; i < colon; ++i) {
    const char c = u[i];
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  for (char c : u) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '<' || c == '>') return false;
  }
  return true;
}

// A comma-separated URI list; returns false when no element is valid. Invalid ones are dropped.
bool ParseUriList(std::string_view v, std::vector<std::string>* out,
                  std::vector<std::string>* warnings, std::string_view tag) {
  size_t p = 0;
  while (p <= v.size()) {
    size_t comma = v.find(',', p);
    if (comma == std::string_view::npos) comma = v.size();
    std::string_view uri = Trim(v.substr(p, comma - p));
    p = comma + 1;
    if (ValidDmarcUri(uri)) {
      out->emplace_back(uri);
    } else {
      warnings->push_back(std::string(tag) + ": invalid URI \"" + std::string(uri) + "\" ignored");
    }
  }
  return !out->empty();
}

bool ParseUint(std::string_view v, uint64_t max, uint64_t* out) {
  if (v.empty() || v.size() > 10) return false;
  uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > max) return false;
  *out = n;
  return true;
}

}  // namespace

bool IsDmarcRecord(std::string_view txt) {
  txt = Trim(txt);
  if (txt.empty() || (txt[0] != 'v' && txt[0] != 'V')) return false;
  txt = Trim(txt.substr(1));
  if (txt.empty() || txt[0] != '=') return false;
  txt = Trim(txt.substr(1));
  // The version value is written with %x literals in RFC 7489 6.4, so it is case-sensitive.
  if (txt.substr(0, 6) != "DMARC1") return false;
  txt = Trim(txt.substr(6));
  return txt.empty() || txt[0] == ';';
}

std::string_view MilderDmarcPolicy(std::string_view policy) {
  if (policy == "reject") return "quarantine";
  return "none";
}

bool DmarcRuaHasValidUri(std::string_view rua) {
  std::vector<std::string> uris, warnings;
  return ParseUriList(rua, &uris, &warnings, "rua");
}

Result<DmarcRecord> ParseDmarcRecord(std::string_view txt, DmarcRules rules) {
  if (!IsDmarcRecord(txt)) return Status::Error("record does not start with v=DMARC1");
  const bool bis = rules == DmarcRules::kRfc9989;
  DmarcRecord r;
  Result<std::vector<Tag>> tags = SplitTags(txt, bis, &r.warnings);
  if (!tags.ok()) return Status::Error("syntax error: " + tags.error());

  std::string_view p, sp, np;
  bool has_p = false, has_sp = false, has_np = false, has_rua = false;
  std::vector<std::string> seen;
  for (const Tag& t : *tags) {
    bool duplicate = false;
    for (const std::string& s : seen) duplicate = duplicate || s == t.name;
    if (duplicate) {
      r.warnings.push_back("duplicate tag " + t.name + "= ignored");
      continue;
    }
    seen.push_back(t.name);
    const std::string_view v = t.value;
    if (t.name == "v") {
      continue;
    } else if (t.name == "p") {
      p = v;
      has_p = true;
    } else if (t.name == "sp") {
      sp = v;
      has_sp = true;
    } else if (t.name == "np") {
      np = v;
      has_np = bis || !v.empty();  // RFC 7489 mode has always passed over an empty np=
    } else if (t.name == "adkim" || t.name == "aspf") {
      bool* strict = t.name == "adkim" ? &r.strict_dkim : &r.strict_spf;
      if (v == "s" || v == "S") {
        *strict = true;
      } else if (v != "r" && v != "R") {
        r.warnings.push_back(t.name + "=" + std::string(v) + " invalid; relaxed used");
      }
    } else if (t.name == "rua") {
      has_rua = ParseUriList(v, &r.rua, &r.warnings, "rua");
    } else if (t.name == "ruf") {
      ParseUriList(v, &r.ruf, &r.warnings, "ruf");
    } else if (t.name == "fo") {
      r.fo = std::string(v);
    } else if (bis && t.name == "psd") {
      // RFC 9989 4.7 psd; 4.8: an invalid value is the default.
      if (EqualsIgnoreCase(v, "y") || EqualsIgnoreCase(v, "n") || EqualsIgnoreCase(v, "u")) {
        r.psd = static_cast<char>(v[0] | 0x20);
      } else {
        r.warnings.push_back("psd=" + std::string(v) + " invalid; u used");
      }
    } else if (bis && t.name == "t") {
      if (EqualsIgnoreCase(v, "y")) {
        r.testing = true;
      } else if (!EqualsIgnoreCase(v, "n")) {
        r.warnings.push_back("t=" + std::string(v) + " invalid; n used");
      }
    } else if (!bis && t.name == "pct") {
      uint64_t n = 0;
      if (ParseUint(v, 100, &n)) {
        r.pct = static_cast<int>(n);
      } else {
        r.warnings.push_back("pct=" + std::string(v) + " invalid; 100 used");
      }
    } else if (!bis && t.name == "rf") {
      r.rf = std::string(v);
    } else if (!bis && t.name == "ri") {
      uint64_t n = 0;
      if (ParseUint(v, UINT32_MAX, &n)) {
        r.ri = static_cast<uint32_t>(n);
      } else {
        r.warnings.push_back("ri=" + std::string(v) + " invalid; 86400 used");
      }
    } else {
      // Unknown tags are ignored (RFC 7489 6.3, RFC 9989 4.7); RFC 9989 removed pct, rf and ri
      // (C.5.2), so they land here too.
      r.ignored_tags.push_back(t.name);
    }
  }

  const bool p_ok = has_p && ValidPolicy(p);
  const bool sp_ok = !has_sp || ValidPolicy(sp);
  // RFC 9989 4.10.1 treats an invalid np= like an invalid p=; RFC 7489 knows no np= and ignores it.
  const bool np_ok = !bis || !has_np || ValidPolicy(np);
  if (!p_ok || !sp_ok || !np_ok) {
    const std::string problem = !has_p   ? std::string("no p= tag")
                                : !p_ok  ? "invalid p=" + std::string(p)
                                : !sp_ok ? "invalid sp=" + std::string(sp)
                                         : "invalid np=" + std::string(np);
    if (!has_rua && !bis) return Status::Error(problem + " and no valid rua=");
    if (!has_rua) {
      // RFC 9989 4.10.1: no DMARC processing; the record still stops discovery at its name.
      r.applicability = DmarcApplicability::kNoProcessing;
      r.warnings.push_back(problem + " and no valid rua=; no DMARC processing");
      return r;
    }
    // RFC 7489 6.6.3 step 6.1, RFC 9989 4.10.1: act as if the record said p=none.
    r.policy = "none";
    r.policy_defaulted = true;
    r.applicability = DmarcApplicability::kAsNone;
    r.warnings.push_back(problem + "; valid rua= present, so p=none applies");
    if (bis) return r;  // the whole record reads as p=none: no sp= or np= either
    if (sp_ok && has_sp) r.subdomain_policy = Lower(sp);
  } else {
    r.policy = Lower(p);
    if (has_sp) r.subdomain_policy = Lower(sp);
  }
  if (has_np) {
    if (ValidPolicy(np)) {
      r.nonexistent_policy = Lower(np);
    } else {
      r.warnings.push_back("np=" + std::string(np) + " invalid; ignored");
    }
  }
  return r;
}

std::shared_ptr<const Result<DmarcRecord>> ParseDmarcRecordCached(std::string_view txt,
                                                                  DmarcRules rules) {
  // Distinct record texts remembered (an archive has one per sending domain), one cache per rule
  // set because the same text parses differently under each.
  constexpr size_t kCapacity = 4096;
  using Cache = BoundedCache<std::shared_ptr<const Result<DmarcRecord>>>;
  static Cache cache_7489(kCapacity), cache_9989(kCapacity);
  if (rules == DmarcRules::kRfc9989) {
    return cache_9989.GetOrCompute(txt, [](std::string_view t) {
      return std::make_shared<const Result<DmarcRecord>>(ParseDmarcRecord(t, DmarcRules::kRfc9989));
    });
  }
  return cache_7489.GetOrCompute(txt, [](std::string_view t) {
    return std::make_shared<const Result<DmarcRecord>>(ParseDmarcRecord(t, DmarcRules::kRfc7489));
  });
}

}  // namespace mv
