#include "dkim/canonicalization.h"

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
  bool pending_space = false;
  bool any = false;
  for (size_t i = colon + 1; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\n' || (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n')) continue;  // unfold
    if (IsWsp(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space && any) *w++ = ' ';
    pending_space = false;
    any = true;
    *w++ = c;
  }
  out->resize(static_cast<size_t>(w - out->data()));
}

}  // namespace mv
