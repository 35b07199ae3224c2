#include "message/header_index.h"

#include <cstring>

namespace mv {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// End of the line starting at `p`: index of its '\n', or size() when the last line has none.
size_t LineEnd(std::string_view s, size_t p) {
  const void* nl = std::memchr(s.data() + p, '\n', s.size() - p);
  return nl ? static_cast<size_t>(static_cast<const char*>(nl) - s.data()) : s.size();
}

// Length of the content of a line ending at `nl`, dropping a CR right before the LF.
size_t ContentEnd(std::string_view s, size_t start, size_t nl) {
  if (nl < s.size() && nl > start && s[nl - 1] == '\r') return nl - 1;
  return nl;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

HeaderIndex HeaderIndex::Build(std::string_view m, const HeaderLimits& limits) {
  HeaderIndex index;
  index.message_ = m;
  auto note = [&index](std::string text) {
    if (index.error_.empty()) index.error_ = std::move(text);
  };
  size_t p = 0;
  bool saw_crlf = false, saw_lf = false;
  while (p < m.size()) {
    // A header section past a limit is hostile or broken; indexing stops there with an error.
    if (p > limits.max_header_bytes) {
      note("header section larger than " + std::to_string(limits.max_header_bytes) + " bytes");
      index.body_offset_ = m.size();
      return index;
    }
    // An empty line ends the header section.
    if (m[p] == '\n' || (m[p] == '\r' && p + 1 < m.size() && m[p + 1] == '\n')) {
      index.has_separator_ = true;
      index.body_offset_ = p + (m[p] == '\n' ? 1 : 2);
      index.lf_line_ends_ = saw_lf && !saw_crlf;
      return index;
    }
    if (index.fields_.size() >= limits.max_fields) {
      note("more than " + std::to_string(limits.max_fields) + " header fields");
      index.body_offset_ = m.size();
      return index;
    }
    // A field runs until a line break that is not followed by folding white space.
    size_t start = p;
    size_t nl = LineEnd(m, p);
    const size_t first_line_end = ContentEnd(m, start, nl);
    while (nl + 1 < m.size() && (m[nl + 1] == ' ' || m[nl + 1] == '\t')) {
      (nl > 0 && m[nl - 1] == '\r' ? saw_crlf : saw_lf) = true;
      nl = LineEnd(m, nl + 1);
    }
    if (nl < m.size()) (nl > 0 && m[nl - 1] == '\r' ? saw_crlf : saw_lf) = true;
    const size_t end = ContentEnd(m, start, nl);
    p = nl < m.size() ? nl + 1 : m.size();

    std::string_view raw = m.substr(start, end - start);
    if (std::memchr(raw.data(), '\0', raw.size()) != nullptr) {
      note("NUL byte in header field at offset " + std::to_string(start));
    }
    if (m[start] == ' ' || m[start] == '\t') {
      note("header section starts with a continuation line at offset " + std::to_string(start));
      continue;
    }
    const void* colon_ptr = std::memchr(m.data() + start, ':', first_line_end - start);
    if (colon_ptr == nullptr) {
      note("header line without a colon at offset " + std::to_string(start));
      continue;
    }
    const size_t colon = static_cast<size_t>(static_cast<const char*>(colon_ptr) - m.data());
    size_t name_end = colon;
    while (name_end > start && (m[name_end - 1] == ' ' || m[name_end - 1] == '\t')) --name_end;
    if (name_end == start) {
      note("header field with an empty name at offset " + std::to_string(start));
      continue;
    }
    HeaderField field;
    field.name = m.substr(start, name_end - start);
    field.value = m.substr(colon + 1, end - colon - 1);
    field.raw = raw;
    field.offset = static_cast<uint32_t>(start);
    index.fields_.push_back(field);
  }
  index.body_offset_ = m.size();
  index.lf_line_ends_ = saw_lf && !saw_crlf;
  if (!m.empty()) note("no empty line between header and body");
  return index;
}

const HeaderField* HeaderIndex::First(std::string_view name) const {
  for (const HeaderField& f : fields_) {
    if (EqualsIgnoreCase(f.name, name)) return &f;
  }
  return nullptr;
}

std::vector<const HeaderField*> HeaderIndex::All(std::string_view name) const {
  std::vector<const HeaderField*> out;
  for (const HeaderField& f : fields_) {
    if (EqualsIgnoreCase(f.name, name)) out.push_back(&f);
  }
  return out;
}

size_t HeaderIndex::Count(std::string_view name) const {
  size_t n = 0;
  for (const HeaderField& f : fields_) n += EqualsIgnoreCase(f.name, name) ? 1 : 0;
  return n;
}

}  // namespace mv
