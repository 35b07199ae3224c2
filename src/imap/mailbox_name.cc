#include "imap/mailbox_name.h"

#include <cstdint>
#include <vector>

#include "util/utf8.h"

namespace mv {
namespace {

// RFC 3501 5.1.3: BASE64 with "," in place of "/", no padding.
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int AlphabetIndex(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

bool PrintableAscii(uint32_t c) {
  return c >= 0x20 && c <= 0x7E;
}

// The next code point of `s` at `*i`, advancing `*i`; false for anything that is not UTF-8.
bool NextCodePoint(std::string_view s, size_t* i, uint32_t* cp) {
  const unsigned char lead = static_cast<unsigned char>(s[*i]);
  size_t len = 0;
  uint32_t min = 0;
  if (lead < 0x80) {
    *cp = lead;
    ++*i;
    return true;
  } else if ((lead & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *cp = lead & 0x07;
  } else {
    return false;
  }
  if (s.size() - *i < len) return false;
  for (size_t k = 1; k < len; ++k) {
    const unsigned char c = static_cast<unsigned char>(s[*i + k]);
    if ((c & 0xC0) != 0x80) return false;
    *cp = (*cp << 6) | (c & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return false;
  *i += len;
  return true;
}

// Appends the UTF-16 units as modified BASE64 between "&" and "-".
void AppendShifted(const std::vector<uint16_t>& units, std::string* out) {
  out->push_back('&');
  uint32_t bits = 0;
  int held = 0;
  for (uint16_t u : units) {
    bits = (bits << 16) | u;
    held += 16;
    while (held >= 6) {
      held -= 6;
      out->push_back(kAlphabet[(bits >> held) & 0x3F]);
    }
    bits &= (1u << held) - 1;
  }
  if (held > 0) out->push_back(kAlphabet[(bits << (6 - held)) & 0x3F]);
  out->push_back('-');
}

}  // namespace

Result<std::string> EncodeMailboxName(std::string_view utf8) {
  std::string out;
  std::vector<uint16_t> units;  // the run of characters waiting to be shifted
  size_t i = 0;
  while (i < utf8.size()) {
    uint32_t cp = 0;
    if (!NextCodePoint(utf8, &i, &cp)) {
      return Status::Error("the mailbox name is not UTF-8 (byte " + std::to_string(i) + ")");
    }
    if (PrintableAscii(cp)) {
      if (!units.empty()) AppendShifted(units, &out);
      units.clear();
      out += cp == '&' ? "&-" : std::string(1, static_cast<char>(cp));
    } else if (cp >= 0x10000) {
      units.push_back(static_cast<uint16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      units.push_back(static_cast<uint16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      units.push_back(static_cast<uint16_t>(cp));
    }
  }
  if (!units.empty()) AppendShifted(units, &out);
  return out;
}

Result<std::string> DecodeMailboxName(std::string_view wire) {
  std::string out;
  size_t i = 0;
  while (i < wire.size()) {
    const char c = wire[i];
    if (!PrintableAscii(static_cast<unsigned char>(c))) {
      return Status::Error("byte " + std::to_string(i) + " is not printable ASCII");
    }
    if (c != '&') {
      out.push_back(c);
      ++i;
      continue;
    }
    const size_t end = wire.find('-', i + 1);
    if (end == std::string_view::npos) return Status::Error("a \"&\" run does not end in \"-\"");
    if (end == i + 1) {  // "&-" is "&"
      out.push_back('&');
      i = end + 1;
      continue;
    }
    uint32_t bits = 0;
    int held = 0;
    uint32_t high = 0;  // a high surrogate waiting for its low half
    for (size_t k = i + 1; k < end; ++k) {
      const int v = AlphabetIndex(wire[k]);
      if (v < 0) {
        std::string why = "a BASE64 run holds \"";  // built stepwise: GCC 12 -Wrestrict
        why.push_back(wire[k]);
        why.push_back('"');
        return Status::Error(why);
      }
      bits = (bits << 6) | static_cast<uint32_t>(v);
      held += 6;
      if (held < 16) continue;
      held -= 16;
      const uint32_t unit = (bits >> held) & 0xFFFF;
      bits &= (1u << held) - 1;
      if (high != 0) {
        if (unit < 0xDC00 || unit > 0xDFFF) return Status::Error("an unpaired UTF-16 surrogate");
        AppendUtf8(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00), &out);
        high = 0;
      } else if (unit >= 0xD800 && unit <= 0xDBFF) {
        high = unit;
      } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
        return Status::Error("an unpaired UTF-16 surrogate");
      } else if (PrintableAscii(unit)) {
        // RFC 3501: BASE64 "MUST NOT be used to represent any printing US-ASCII character".
        return Status::Error("printable ASCII in a BASE64 run");
      } else {
        AppendUtf8(unit, &out);
      }
    }
    // Whatever is left must be padding of fewer than 6 zero bits.
    if (high != 0 || held >= 6 || bits != 0) {
      return Status::Error("a BASE64 run ends inside a UTF-16 unit");
    }
    i = end + 1;
  }
  return out;
}

}  // namespace mv
