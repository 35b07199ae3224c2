#include "dkim/tag_list.h"

#include <array>

namespace mv {
namespace {

bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
// VALCHAR = %x21-3A / %x3C-7E (printable ASCII but ";").
bool IsValChar(char c) {
  return c >= 0x21 && c <= 0x7E && c != ';';
}

size_t SkipFws(std::string_view s, size_t i) {
  while (i < s.size() && IsFwsByte(s[i])) ++i;
  return i;
}

}  // namespace

Result<TagList> TagList::Parse(std::string_view text) {
  TagList list;
  list.tags_.reserve(16);  // a DKIM-Signature has about a dozen tags: one allocation, not five
  size_t i = 0;
  while (true) {
    i = SkipFws(text, i);
    if (i == text.size()) {
      // Only an empty list or one ending in ";" may end here.
      break;
    }
    const size_t name_begin = i;
    if (!IsAlpha(text[i])) {
      return Status::Error("tag-list: bad tag name at offset " + std::to_string(i));
    }
    while (i < text.size() && (IsAlpha(text[i]) || IsDigit(text[i]) || text[i] == '_')) ++i;
    const std::string_view name = text.substr(name_begin, i - name_begin);
    i = SkipFws(text, i);
    if (i == text.size() || text[i] != '=') {
      return Status::Error("tag-list: missing '=' after tag " + std::string(name));
    }
    ++i;
    const size_t raw_begin = i;
    size_t end = text.find(';', i);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(raw_begin, end - raw_begin);
    // Trim FWS at both ends; inside, only VALCHAR runs separated by FWS are allowed.
    size_t vb = 0, ve = raw.size();
    while (vb < ve && IsFwsByte(raw[vb])) ++vb;
    while (ve > vb && IsFwsByte(raw[ve - 1])) --ve;
    for (size_t k = vb; k < ve; ++k) {
      if (!IsValChar(raw[k]) && !IsFwsByte(raw[k])) {
        return Status::Error("tag-list: invalid character in value of tag " + std::string(name));
      }
    }
    if (list.Find(name) != nullptr) {
      return Status::Error("tag-list: duplicate tag " + std::string(name));
    }
    list.tags_.push_back(Tag{name, raw.substr(vb, ve - vb), raw});
    if (end == text.size()) break;
    i = end + 1;
    // A ";" followed only by FWS ends the list; anything else must be another tag-spec.
    if (SkipFws(text, i) < text.size() && text[SkipFws(text, i)] == ';') {
      return Status::Error("tag-list: empty tag-spec");
    }
  }
  return list;
}

const Tag* TagList::Find(std::string_view name) const {
  // Tag names are one or two letters: compare the first byte before calling memcmp.
  if (name.empty()) return nullptr;
  for (const Tag& t : tags_) {
    if (t.name.size() == name.size() && t.name[0] == name[0] && t.name == name) return &t;
  }
  return nullptr;
}

std::string RemoveFws(std::string_view value) {
  std::string out(value.size(), '\0');
  char* w = out.data();
  for (char c : value) {  // branch-free: b= values are long and FWS is rare
    *w = c;
    w += !IsFwsByte(c);
  }
  out.resize(static_cast<size_t>(w - out.data()));
  return out;
}

Result<std::string> DecodeBase64(std::string_view value) {
  static const std::array<int8_t, 256> kTable = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int k = 0; k < 64; ++k)
      t[static_cast<unsigned char>(alphabet[k])] = static_cast<int8_t>(k);
    return t;
  }();
  // Every 4 symbols give 3 bytes, written in place; the output is sized for the most it can be.
  std::string out(value.size() / 4 * 3 + 3, '\0');
  auto* w = reinterpret_cast<unsigned char*>(out.data());
  uint32_t acc = 0;
  int group = 0;  // symbols in acc
  size_t symbols = 0, padding = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(value.data());
  const size_t n = value.size();
  for (size_t i = 0; i < n; ++i) {
    if (group == 0 && padding == 0) {
      // Whole groups of four symbols at once; anything else (FWS, '=', junk) leaves this loop
      // and takes the general path below, one byte at a time.
      while (i + 4 <= n) {
        const int8_t a = kTable[in[i]], b = kTable[in[i + 1]], c = kTable[in[i + 2]],
                     d = kTable[in[i + 3]];
        if ((a | b | c | d) < 0) break;
        const uint32_t bits = static_cast<uint32_t>(a) << 18 | static_cast<uint32_t>(b) << 12 |
                              static_cast<uint32_t>(c) << 6 | static_cast<uint32_t>(d);
        w[0] = static_cast<unsigned char>(bits >> 16);
        w[1] = static_cast<unsigned char>(bits >> 8);
        w[2] = static_cast<unsigned char>(bits);
        w += 3;
        i += 4;
        symbols += 4;
      }
      if (i == n) break;
    }
    const char c = static_cast<char>(in[i]);
    const int8_t v = kTable[in[i]];
    if (v >= 0 && padding == 0) {
      acc = (acc << 6) | static_cast<uint32_t>(v);
      ++symbols;
      if (++group == 4) {
        w[0] = static_cast<unsigned char>(acc >> 16);
        w[1] = static_cast<unsigned char>(acc >> 8);
        w[2] = static_cast<unsigned char>(acc);
        w += 3;
        acc = 0;
        group = 0;
      }
      continue;
    }
    if (IsFwsByte(c)) continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    return Status::Error("base64: invalid character");  // not base64, or a symbol after '='
  }
  if (symbols % 4 == 1 || padding > 2 || (padding > 0 && (symbols + padding) % 4 != 0)) {
    return Status::Error("base64: bad length or padding");
  }
  if (group == 2) {
    *w++ = static_cast<unsigned char>(acc >> 4);
  } else if (group == 3) {
    *w++ = static_cast<unsigned char>(acc >> 10);
    *w++ = static_cast<unsigned char>(acc >> 2);
  }
  out.resize(static_cast<size_t>(w - reinterpret_cast<unsigned char*>(out.data())));
  return out;
}

}  // namespace mv
