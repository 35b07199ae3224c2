#include "spf/spf_macro.h"

#include <string>
#include <vector>

namespace mv {
namespace {

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool IsDelimiter(char c) {
  return c == '.' || c == '-' || c == '+' || c == ',' || c == '/' || c == '_' || c == '=';
}

bool IsLetterAllowed(char lower, MacroContext context) {
  switch (lower) {
    case 's':
    case 'l':
    case 'o':
    case 'd':
    case 'i':
    case 'p':
    case 'h':
    case 'v':
      return true;
    case 'c':
    case 'r':
    case 't':
      return context != MacroContext::kDomainSpec;
    default:
      return false;
  }
}

// One parsed %{...} macro-expand.
struct MacroExpand {
  char letter = 0;  // as written (upper case means URL-escape)
  size_t keep = 0;  // 0: keep all parts
  bool reverse = false;
  std::string_view delimiters;  // empty: "."
};

// Parses the macro-expand that starts at text[i] == '%' and text[i+1] == '{'. On success sets `end`
// to the index after '}'.
bool ParseExpand(std::string_view text, size_t i, MacroContext context, MacroExpand* m,
                 size_t* end) {
  size_t p = i + 2;
  if (p >= text.size()) return false;
  m->letter = text[p];
  if (!IsLetterAllowed(Lower(m->letter), context)) return false;
  ++p;
  if (p < text.size() && text[p] >= '0' && text[p] <= '9') {
    size_t value = 0;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9') {
      // Anything above 255 keeps every part of a domain name; saturate rather than overflow.
      value = value > 1000 ? value : value * 10 + static_cast<size_t>(text[p] - '0');
      ++p;
    }
    if (value == 0) return false;  // 7.3: the DIGIT transformer must be nonzero
    m->keep = value;
  }
  if (p < text.size() && (text[p] == 'r' || text[p] == 'R')) {
    m->reverse = true;
    ++p;
  }
  size_t delim_start = p;
  while (p < text.size() && IsDelimiter(text[p])) ++p;
  m->delimiters = text.substr(delim_start, p - delim_start);
  if (p >= text.size() || text[p] != '}') return false;
  *end = p + 1;
  return true;
}

bool IsLiteral(char c, MacroContext context) {
  if (c == ' ') return context == MacroContext::kExplanation;
  return c >= 0x21 && c <= 0x7E && c != '%';
}

// Walks `text`, calling on_literal(string_view) and on_macro(const MacroExpand&) in order.
template <class OnLiteral, class OnMacro>
bool Walk(std::string_view text, MacroContext context, OnLiteral on_literal, OnMacro on_macro) {
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '%') {
      size_t j = i;
      while (j < text.size() && text[j] != '%') {
        if (!IsLiteral(text[j], context)) return false;
        ++j;
      }
      on_literal(text.substr(i, j - i));
      i = j;
      continue;
    }
    if (i + 1 >= text.size()) return false;
    switch (text[i + 1]) {
      case '%':
        on_literal("%");
        i += 2;
        continue;
      case '_':
        on_literal(" ");
        i += 2;
        continue;
      case '-':
        on_literal("%20");
        i += 2;
        continue;
      case '{': {
        MacroExpand m;
        size_t end = 0;
        if (!ParseExpand(text, i, context, &m, &end)) return false;
        if (!on_macro(m)) return false;
        i = end;
        continue;
      }
      default:
        return false;
    }
  }
  return true;
}

std::string LetterValue(char lower, const SpfMacroValues& v) {
  switch (lower) {
    case 's':
      return std::string(v.sender);
    case 'l':
      return std::string(v.local_part);
    case 'o':
      return std::string(v.sender_domain);
    case 'd':
      return std::string(v.domain);
    case 'i':
      return v.ip ? v.ip->DottedForm() : std::string();
    case 'p':
      return v.validated_name ? v.validated_name() : std::string("unknown");
    case 'h':
      return std::string(v.helo);
    case 'c':
      return v.ip ? v.ip->ToString() : std::string();
    case 'r':
      return v.receiver.empty() ? std::string("unknown") : std::string(v.receiver);
    case 't':
      return std::to_string(v.now);
    case 'v':
      return (v.ip && v.ip->is_v6()) ? "ip6" : "in-addr";
  }
  return std::string();
}

void AppendTransformed(const MacroExpand& m, const std::string& value, std::string* out) {
  const bool escape = m.letter >= 'A' && m.letter <= 'Z';
  if (m.keep == 0 && !m.reverse && m.delimiters.empty()) {
    if (escape) {
      AppendUrlEscaped(value, out);
    } else {
      out->append(value);
    }
    return;
  }
  std::string_view delims = m.delimiters.empty() ? std::string_view(".") : m.delimiters;
  std::vector<std::string_view> parts;
  std::string_view rest(value);
  size_t start = 0;
  for (size_t i = 0; i <= rest.size(); ++i) {
    if (i == rest.size() || delims.find(rest[i]) != std::string_view::npos) {
      parts.push_back(rest.substr(start, i - start));
      start = i + 1;
    }
  }
  if (m.reverse) {
    for (size_t a = 0, b = parts.size() - 1; a < b; ++a, --b) std::swap(parts[a], parts[b]);
  }
  size_t first = (m.keep != 0 && m.keep < parts.size()) ? parts.size() - m.keep : 0;
  std::string joined;
  for (size_t i = first; i < parts.size(); ++i) {
    if (i > first) joined.push_back('.');
    joined.append(parts[i]);
  }
  if (escape) {
    AppendUrlEscaped(joined, out);
  } else {
    out->append(joined);
  }
}

}  // namespace

void AppendUrlEscaped(std::string_view value, std::string* out) {
  static const char kHex[] = "0123456789ABCDEF";
  for (char ch : value) {
    const unsigned char c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out->push_back(ch);
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

bool IsValidMacroString(std::string_view text, MacroContext context) {
  return Walk(
      text, context, [](std::string_view) {}, [](const MacroExpand&) { return true; });
}

bool EndsWithMacroExpand(std::string_view text) {
  bool last_was_macro = false;
  bool ok = Walk(
      text, MacroContext::kUnknownModifier, [&](std::string_view) { last_was_macro = false; },
      [&](const MacroExpand&) {
        last_was_macro = true;
        return true;
      });
  return ok && last_was_macro;
}

bool ExpandMacroString(std::string_view text, const SpfMacroValues& values, MacroContext context,
                       std::string* out) {
  return Walk(
      text, context, [out](std::string_view literal) { out->append(literal); },
      [&](const MacroExpand& m) {
        AppendTransformed(m, LetterValue(Lower(m.letter), values), out);
        return true;
      });
}

}  // namespace mv
