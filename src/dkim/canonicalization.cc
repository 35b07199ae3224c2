#include "dkim/canonicalization.h"

#include <algorithm>
#include <cstring>

#include "dkim/relaxed_stops.h"

namespace mv {
namespace {

bool IsWsp(char c) {
  return c == ' ' || c == '\t';
}

Canon* ParseOne(std::string_view word, Canon* out) {
  if (word == "simple") {
    *out = Canon::kSimple;
  } else if (word == "relaxed") {
    *out = Canon::kRelaxed;
  } else {
    return nullptr;
  }
  return out;
}

}  // namespace

std::string_view CanonName(Canon canon) {
  return canon == Canon::kSimple ? "simple" : "relaxed";
}

std::optional<Canonicalization> ParseCanonicalization(std::string_view value) {
  Canonicalization c;
  if (value.empty()) return c;
  const size_t slash = value.find('/');
  if (!ParseOne(value.substr(0, slash), &c.header)) return std::nullopt;
  if (slash == std::string_view::npos) return c;  // body stays simple
  if (!ParseOne(value.substr(slash + 1), &c.body)) return std::nullopt;
  return c;
}

void AppendCanonicalHeader(Canon canon, std::string_view raw, std::string* out) {
  if (canon == Canon::kSimple) {
    // Byte-exact, except that a bare LF inside folding becomes CRLF.
    size_t start = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
        out->append(raw.data() + start, i - start);
        out->append("\r\n");
        start = i + 1;
      }
    }
    out->append(raw.data() + start, raw.size() - start);
    return;
  }
  // Relaxed: lower-case name, no WSP around the colon, unfolded, WSP runs as one SP, no trailing
  // WSP.
  size_t colon = raw.find(':');
  if (colon == std::string_view::npos) colon = raw.size();
  size_t name_end = colon;
  while (name_end > 0 && IsWsp(raw[name_end - 1])) --name_end;
  // The output is never longer than the input plus the colon: size once, write through a pointer.
  const size_t before = out->size();
  out->resize(before + raw.size() + 1);
  char* w = out->data() + before;
  for (size_t i = 0; i < name_end; ++i) {
    const char c = raw[i];
    *w++ = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  *w++ = ':';
  // The value: runs up to the next stop are copied as they are; a run of WSP and line breaks
  // between content becomes one SP when it holds WSP (a bare line break is just removed), and
  // the runs at both ends disappear.
  const char* p = raw.data() + std::min(colon + 1, raw.size());
  const char* const end = raw.data() + raw.size();
  RelaxedStops stops(end);
  bool any = false;
  while (p < end) {
    bool space = false;
    while (p < end) {
      if (IsWsp(*p)) {
        space = true;
        ++p;
      } else if (*p == '\n') {
        ++p;
      } else if (*p == '\r' && p + 1 < end && p[1] == '\n') {
        p += 2;
      } else {
        break;
      }
    }
    if (p == end) break;
    if (space && any) *w++ = ' ';
    const char* q = stops.Next(p + 1);  // *p is content (a lone CR is content too)
    std::memcpy(w, p, static_cast<size_t>(q - p));
    w += q - p;
    any = true;
    p = q;
  }
  out->resize(static_cast<size_t>(w - out->data()));
}

}  // namespace mv
