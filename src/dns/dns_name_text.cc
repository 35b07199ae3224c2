#include "dns/dns_name_text.h"

#include <cstdio>

namespace mv {
namespace {

// Bytes written as they are: graphic ASCII except those a master file or ldns's tokenizer gives a
// meaning ('.' separates labels, '\\' escapes, '"' quotes, '(' ')' group lines, ';' starts a
// comment, '@' is the origin, '$' starts a directive).
bool IsPlainNameByte(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f) return false;
  switch (c) {
    case '.':
    case '\\':
    case '"':
    case '(':
    case ')':
    case ';':
    case '@':
    case '$':
      return false;
    default:
      return true;
  }
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::string EscapeDnsName(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '.' || IsPlainNameByte(c)) {
      out += ch;  // a '.' in a raw name separates labels
    } else {
      char esc[5];
      std::snprintf(esc, sizeof esc, "\\%03u", static_cast<unsigned>(c));
      out += esc;
    }
  }
  return out;
}

bool UnescapeDnsName(std::string_view text, std::string* raw) {
  raw->clear();
  bool ends_with_separator = false;  // the last byte was an unescaped '.'
  for (size_t i = 0; i < text.size(); ++i) {
    ends_with_separator = false;
    if (text[i] != '\\') {
      *raw += text[i];
      ends_with_separator = text[i] == '.';
      continue;
    }
    if (i + 1 >= text.size()) return false;
    if (!IsDigit(text[i + 1])) {
      *raw += text[++i];
      continue;
    }
    if (i + 3 >= text.size() || !IsDigit(text[i + 2]) || !IsDigit(text[i + 3])) return false;
    const int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
    if (v > 255) return false;
    *raw += static_cast<char>(v);
    i += 3;
  }
  if (ends_with_separator && raw->size() > 1) raw->pop_back();
  return true;
}

std::string AresQueryName(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace mv
