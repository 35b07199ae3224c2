#include "archive/emlx_part_encoding.h"

#include "message/header_index.h"

namespace mv {

std::string EncodeBase64Lines(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(data.size() / 3 * 4 + data.size() / 57 + 8);
  size_t column = 0;
  const auto put = [&](char c) {
    if (column == 76) {
      out.push_back('\n');
      column = 0;
    }
    out.push_back(c);
    ++column;
  };
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16 |
                       static_cast<uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8 |
                       static_cast<unsigned char>(data[i + 2]);
    put(kAlphabet[v >> 18]);
    put(kAlphabet[(v >> 12) & 63]);
    put(kAlphabet[(v >> 6) & 63]);
    put(kAlphabet[v & 63]);
  }
  if (const size_t left = data.size() - i; left > 0) {
    uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16;
    if (left == 2) v |= static_cast<uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8;
    put(kAlphabet[v >> 18]);
    put(kAlphabet[(v >> 12) & 63]);
    put(left == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    put('=');
  }
  return out;
}

std::string EncodeQuotedPrintable(std::string_view data) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(data.size() + data.size() / 8);
  size_t start = 0;
  while (start < data.size()) {
    size_t nl = data.find('\n', start);
    const bool has_break = nl != std::string_view::npos;
    if (!has_break) nl = data.size();
    std::string_view line = data.substr(start, nl - start);
    if (has_break && line.ends_with('\r')) line.remove_suffix(1);
    size_t column = 0;
    for (size_t k = 0; k < line.size(); ++k) {
      const unsigned char c = static_cast<unsigned char>(line[k]);
      const bool last = k + 1 == line.size();
      const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
      const size_t width = literal ? 1 : 3;
      // A soft break ("=" at the end) keeps every encoded line within 76 characters.
      if (column + width > (last ? 76 : 75)) {
        out.append("=\n");
        column = 0;
      }
      if (literal) {
        out.push_back(static_cast<char>(c));
      } else {
        out.push_back('=');
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      }
      column += width;
    }
    if (has_break) out.push_back('\n');
    start = nl + (has_break ? 1 : 0);
  }
  return out;
}

std::string EncodeForTransfer(std::string_view encoding, std::string_view data) {
  const size_t first = encoding.find_first_not_of(" \t\r\n");
  encoding.remove_prefix(first == std::string_view::npos ? encoding.size() : first);
  const size_t last = encoding.find_last_not_of(" \t\r\n");
  encoding = encoding.substr(0, last == std::string_view::npos ? 0 : last + 1);
  if (EqualsIgnoreCase(encoding, "base64")) return EncodeBase64Lines(data);
  if (EqualsIgnoreCase(encoding, "quoted-printable")) return EncodeQuotedPrintable(data);
  return std::string(data);
}

}  // namespace mv
