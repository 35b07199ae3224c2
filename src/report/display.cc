#include "report/display.h"

#include <errno.h>
#include <iconv.h>

#include <optional>
#include <unordered_map>
#include <vector>

namespace mv {
namespace {

bool IsBlank(char c) {
  return c == ' ' || c == '\t';
}

char LowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

std::string Lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

// A charset name is handed to iconv_open, so only the characters real charset names use pass;
// this keeps iconv's own option syntax ("//IGNORE") out of reach of message content.
bool IsCharsetChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == ':' || c == '+';
}

struct EncodedWord {
  size_t begin = 0;
  size_t end = 0;            // index just past the closing "?="
  std::string_view charset;  // RFC 2231 language suffix ("*en") removed
  char encoding = 'Q';       // 'B' or 'Q'
  std::string_view text;
};

// Recognises "=?charset?enc?text?=" at s[i]; the caller has seen "=?" there.
bool ParseEncodedWord(std::string_view s, size_t i, EncodedWord* w) {
  size_t j = i + 2;
  const size_t charset_begin = j;
  while (j < s.size() && s[j] != '?') {
    if (!IsCharsetChar(s[j]) && s[j] != '*') return false;
    ++j;
  }
  if (j == charset_begin || j + 2 >= s.size() || j - charset_begin > 64) return false;
  std::string_view charset = s.substr(charset_begin, j - charset_begin);
  charset = charset.substr(0, charset.find('*'));
  if (charset.empty()) return false;
  const char enc = static_cast<char>(s[j + 1] & ~0x20);  // upper-case
  if ((enc != 'B' && enc != 'Q') || s[j + 2] != '?') return false;
  const size_t text_begin = j + 3;
  size_t k = text_begin;
  while (k < s.size() && s[k] != '?') {
    const unsigned char c = static_cast<unsigned char>(s[k]);
    if (c <= ' ' || c >= 0x7F) return false;
    ++k;
  }
  if (k + 1 >= s.size() || s[k + 1] != '=') return false;
  w->begin = i;
  w->end = k + 2;
  w->charset = charset;
  w->encoding = enc;
  w->text = s.substr(text_begin, k - text_begin);
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = LowerAscii(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool DecodeQ(std::string_view text, std::string* out) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      out->push_back(' ');
    } else if (c == '=') {
      if (i + 2 >= text.size()) return false;
      const int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Accepts missing padding (common in the wild); anything after padding must be padding.
bool DecodeB(std::string_view text, std::string* out) {
  uint32_t bits = 0;
  int nbits = 0;
  bool padding = false;
  for (char c : text) {
    if (c == '=') {
      padding = true;
      continue;
    }
    const int v = Base64Value(c);
    if (v < 0 || padding) return false;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out->push_back(static_cast<char>((bits >> nbits) & 0xFF));
    }
  }
  return true;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    i += n;
  }
  return true;
}

// iconv descriptors are not thread-safe and costly to open, so each thread keeps its own per
// charset.
class IconvCache {
 public:
  ~IconvCache() {
    for (auto& [name, cd] : open_) {
      if (cd != kInvalid) iconv_close(cd);
    }
  }
  // Returns kInvalid when glibc does not know the charset (remembered, so it is asked only once).
  iconv_t Get(const std::string& charset) {
    auto it = open_.find(charset);
    if (it == open_.end()) it = open_.emplace(charset, iconv_open("UTF-8", charset.c_str())).first;
    return it->second;
  }
  static inline const iconv_t kInvalid = reinterpret_cast<iconv_t>(-1);

 private:
  std::unordered_map<std::string, iconv_t> open_;
};

bool ConvertWithIconv(const std::string& charset, std::string_view bytes, std::string* out) {
  thread_local IconvCache cache;
  iconv_t cd = cache.Get(charset);
  if (cd == IconvCache::kInvalid) return false;
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset shift state left by an earlier call
  std::string result;
  result.resize(bytes.size() * 4 + 16);
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* outp = result.data();
  size_t out_left = result.size();
  while (true) {
    const size_t r =
        iconv(cd, in_left ? &in : nullptr, in_left ? &in_left : nullptr, &outp, &out_left);
    if (r != static_cast<size_t>(-1)) {
      if (in_left == 0) break;
      continue;
    }
    if (errno != E2BIG) return false;  // EILSEQ/EINVAL: not valid text in that charset
    const size_t used = static_cast<size_t>(outp - result.data());
    result.resize(result.size() * 2);
    outp = result.data() + used;
    out_left = result.size() - used;
  }
  result.resize(static_cast<size_t>(outp - result.data()));
  out->append(result);
  return true;
}

// Appends `bytes`, text in `charset`, as UTF-8; false when the charset is unknown or the bytes are
// not valid in it (the caller then keeps the encoded-word as written).
bool AppendAsUtf8(std::string_view charset, std::string_view bytes, std::string* out) {
  const std::string cs = Lowered(charset);
  if (cs == "utf-8" || cs == "utf8") {
    if (!IsValidUtf8(bytes)) return false;
    out->append(bytes);
    return true;
  }
  if (cs == "us-ascii" || cs == "ascii") {
    for (char c : bytes) {
      if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    out->append(bytes);
    return true;
  }
  if (cs == "iso-8859-1" || cs == "iso8859-1" || cs == "latin1" || cs == "l1") {
    for (char ch : bytes) {
      const unsigned char c = static_cast<unsigned char>(ch);
      if (c < 0x80) {
        out->push_back(ch);
      } else {
        out->push_back(static_cast<char>(0xC0 | (c >> 6)));
        out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
      }
    }
    return true;
  }
  return ConvertWithIconv(cs, bytes, out);
}

// One encoded-word of a run of adjacent words, and the blanks written before it.
struct Piece {
  std::string_view raw;
  std::string_view charset;
  std::string_view separator;
  std::string bytes;  // decoded, still in `charset`
};

// Writes a run of adjacent encoded-words. Words in one charset are converted together; if that
// fails each word is tried alone, and a word that still fails is written raw with its separator.
void EmitRun(const std::vector<Piece>& run, std::string* out) {
  std::vector<std::optional<std::string>> text(run.size());
  size_t g = 0;
  while (g < run.size()) {
    size_t e = g + 1;
    while (e < run.size() && Lowered(run[e].charset) == Lowered(run[g].charset)) ++e;
    std::string joined;
    for (size_t k = g; k < e; ++k) joined += run[k].bytes;
    std::string converted;
    if (AppendAsUtf8(run[g].charset, joined, &converted)) {
      text[g] = std::move(converted);
      for (size_t k = g + 1; k < e; ++k) text[k] = std::string();
    } else {
      for (size_t k = g; k < e; ++k) {
        std::string one;
        if (AppendAsUtf8(run[k].charset, run[k].bytes, &one)) text[k] = std::move(one);
      }
    }
    g = e;
  }
  for (size_t k = 0; k < run.size(); ++k) {
    if (k > 0 && !(text[k] && text[k - 1])) out->append(run[k].separator);
    out->append(text[k] ? std::string_view(*text[k]) : run[k].raw);
  }
}

}  // namespace

std::string UnfoldAndTrim(std::string_view value) {
  auto outer = [](char c) { return IsBlank(c) || c == '\r' || c == '\n'; };
  size_t b = 0, e = value.size();
  while (b < e && outer(value[b])) ++b;
  while (e > b && outer(value[e - 1])) --e;
  value = value.substr(b, e - b);
  std::string out;
  out.reserve(value.size());
  size_t start = 0;
  while (true) {
    const size_t nl = value.find('\n', start);
    if (nl == std::string_view::npos) {
      out.append(value.substr(start));
      return out;
    }
    if (nl + 1 < value.size() && IsBlank(value[nl + 1])) {
      // Folding: the line break (and a CR before it) goes, the blank stays.
      const size_t end = nl > start && value[nl - 1] == '\r' ? nl - 1 : nl;
      out.append(value.substr(start, end - start));
    } else {
      out.append(value.substr(start, nl + 1 - start));
    }
    start = nl + 1;
  }
}

std::string DecodeHeaderForDisplay(std::string_view value) {
  std::string s = UnfoldAndTrim(value);
  if (s.find("=?") == std::string::npos) return s;
  std::string out;
  std::vector<Piece> run;
  size_t text_start = 0;  // first byte not yet written or held in `run`
  size_t i = 0;
  while (true) {
    const size_t p = s.find("=?", i);
    if (p == std::string::npos) break;
    EncodedWord w;
    Piece piece;
    if (!ParseEncodedWord(s, p, &w) ||
        !(w.encoding == 'B' ? DecodeB(w.text, &piece.bytes) : DecodeQ(w.text, &piece.bytes))) {
      i = p + 2;
      continue;
    }
    const std::string_view between(s.data() + text_start, p - text_start);
    bool blanks_only = true;
    for (char c : between) blanks_only = blanks_only && IsBlank(c);
    if (run.empty() || !blanks_only) {
      EmitRun(run, &out);
      run.clear();
      out.append(between);
    } else {
      piece.separator = between;
    }
    piece.raw = std::string_view(s.data() + w.begin, w.end - w.begin);
    piece.charset = w.charset;
    run.push_back(std::move(piece));
    text_start = i = w.end;
  }
  EmitRun(run, &out);
  out.append(s, text_start, std::string::npos);
  return out;
}

}  // namespace mv
