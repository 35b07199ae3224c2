#include "archive/transport_headers.h"

#include <cctype>

#include "util/utf8.h"

namespace mv {
namespace {

constexpr std::string_view kExchangePreamble = "Microsoft Mail Internet Headers Version 2.0";

// UTF-16LE to UTF-8 up to the first NUL code unit; an odd last byte is dropped.
std::string DecodeUtf16Le(std::string_view in) {
  std::string out;
  out.reserve(in.size() / 2);
  const size_t units = in.size() / 2;
  auto unit = [&](size_t k) {
    return static_cast<uint32_t>(static_cast<unsigned char>(in[2 * k])) |
           static_cast<uint32_t>(static_cast<unsigned char>(in[2 * k + 1])) << 8;
  };
  for (size_t k = 0; k < units; ++k) {
    const uint32_t u = unit(k);
    if (u == 0) break;
    if (u >= 0xD800 && u < 0xDC00 && k + 1 < units) {
      const uint32_t low = unit(k + 1);
      if (low >= 0xDC00 && low < 0xE000) {
        AppendUtf8(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00), &out);
        ++k;
        continue;
      }
    }
    AppendUtf8(u >= 0xD800 && u < 0xE000 ? 0xFFFD : u, &out);
  }
  return out;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k) {
    if (std::tolower(static_cast<unsigned char>(s[k])) !=
        std::tolower(static_cast<unsigned char>(prefix[k]))) {
      return false;
    }
  }
  return true;
}

// The lines of a header section (line ends excluded), stopping at the first empty line.
template <class F>
void ForEachHeaderLine(std::string_view text, F f) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return;
    f(line);
    pos = end + 1;
  }
}

// The unfolded value of the first Content-Type field of a header section.
std::string ContentType(std::string_view headers) {
  std::string value;
  bool in_field = false;
  bool done = false;
  ForEachHeaderLine(headers, [&](std::string_view line) {
    if (done) return;
    const bool continuation = line.front() == ' ' || line.front() == '\t';
    if (in_field && continuation) {
      value.append(line);
      return;
    }
    if (in_field) {
      done = true;
      return;
    }
    if (StartsWithIgnoreCase(line, "Content-Type:")) {
      in_field = true;
      value.assign(line.substr(13));
    }
  });
  return value;
}

// The boundary parameter of a Content-Type value (quoted or not); empty if there is none.
std::string Boundary(std::string_view content_type) {
  for (size_t pos = 0; pos < content_type.size(); ++pos) {
    if (!StartsWithIgnoreCase(content_type.substr(pos), "boundary=")) continue;
    if (pos > 0 && content_type[pos - 1] != ';' && content_type[pos - 1] != ' ' &&
        content_type[pos - 1] != '\t') {
      continue;
    }
    std::string_view rest = content_type.substr(pos + 9);
    if (!rest.empty() && rest.front() == '"') {
      const size_t close = rest.find('"', 1);
      return std::string(rest.substr(1, close == std::string_view::npos ? rest.npos : close - 1));
    }
    size_t end = 0;
    while (end < rest.size() && rest[end] != ';' && rest[end] != ' ' && rest[end] != '\t') ++end;
    return std::string(rest.substr(0, end));
  }
  return {};
}

}  // namespace

std::string TransportHeadersToMessage(std::string_view value, MapiStringType type) {
  std::string decoded;
  if (type == MapiStringType::kUnicode) {
    decoded = DecodeUtf16Le(value);
  } else {
    decoded.assign(value.substr(0, value.find('\0')));
  }
  std::string_view text = decoded;
  // Leading empty lines would make the whole block a body; Exchange 2003 starts with a preamble
  // line that is no header field.
  for (;;) {
    while (!text.empty() && (text.front() == '\r' || text.front() == '\n')) text.remove_prefix(1);
    if (!StartsWithIgnoreCase(text, kExchangePreamble)) break;
    const size_t nl = text.find('\n');
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  std::string out;
  out.reserve(text.size() + 64);
  ForEachHeaderLine(text, [&](std::string_view line) {
    out.append(line);
    out.append("\r\n");
  });
  if (out.empty()) return out;
  out.append("\r\n");
  return out;
}

std::optional<std::string> AssembleSignedMime(std::string_view headers,
                                              std::string_view signed_entity) {
  const std::string outer = ContentType(headers);
  const std::string inner = ContentType(signed_entity);
  std::string_view type = inner;
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  if (!StartsWithIgnoreCase(type, "multipart/signed")) return std::nullopt;
  const std::string boundary = Boundary(inner);
  if (boundary.empty() || boundary != Boundary(outer)) return std::nullopt;
  // The entity's body starts after its first empty line (CRLF or LF).
  size_t body = std::string_view::npos;
  for (size_t pos = 0; pos < signed_entity.size();) {
    size_t end = signed_entity.find('\n', pos);
    if (end == std::string_view::npos) break;
    const size_t len = end - pos;
    if (len == 0 || (len == 1 && signed_entity[pos] == '\r')) {
      body = end + 1;
      break;
    }
    pos = end + 1;
  }
  if (body == std::string_view::npos) return std::nullopt;
  std::string out(headers);
  out.append(signed_entity.substr(body));
  return out;
}

std::optional<int64_t> FiletimeToUnix(uint64_t filetime) {
  constexpr uint64_t kTicksPerSecond = 10'000'000;
  constexpr uint64_t kEpochDelta = 11'644'473'600;  // seconds from 1601-01-01 to 1970-01-01
  constexpr uint64_t kYear10000 = 253'402'300'800;  // 10000-01-01 in Unix seconds
  const uint64_t seconds = filetime / kTicksPerSecond;
  if (filetime == 0 || seconds < kEpochDelta || seconds - kEpochDelta >= kYear10000) {
    return std::nullopt;
  }
  return static_cast<int64_t>(seconds - kEpochDelta);
}

}  // namespace mv
