#include "dkim/header_hash.h"

#include <algorithm>
#include <unordered_map>

#include "dkim/tag_list.h"

namespace mv {
namespace {

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// Above this many (h= name, field) pairs the selection switches from comparing pairs to a map.
constexpr size_t kQuadraticSelectLimit = 4096;

}  // namespace

Result<std::vector<std::string_view>> ParseHeaderNameList(std::string_view h) {
  std::vector<std::string_view> names;
  names.reserve(static_cast<size_t>(std::count(h.begin(), h.end(), ':')) + 1);
  size_t start = 0;
  while (true) {
    size_t colon = h.find(':', start);
    if (colon == std::string_view::npos) colon = h.size();
    std::string_view name = h.substr(start, colon - start);
    while (!name.empty() && IsFwsByte(name.front())) name.remove_prefix(1);
    while (!name.empty() && IsFwsByte(name.back())) name.remove_suffix(1);
    if (name.empty()) return Status::Error("h=: empty header field name");
    for (char c : name) {
      // field-name = 1*ftext, printable US-ASCII except ":" (RFC 5322 3.6.8).
      if (c < 33 || c > 126) return Status::Error("h=: invalid character in header field name");
    }
    names.push_back(name);
    if (colon == h.size()) break;
    start = colon + 1;
  }
  return names;
}

std::vector<const HeaderField*> SelectSignedFields(const HeaderIndex& index,
                                                   std::span<const std::string_view> names) {
  const std::vector<HeaderField>& fields = index.fields();
  if (names.size() * fields.size() <= kQuadraticSelectLimit) {
    // A usual message: a score of h= names and a few dozen fields. Comparing every pair costs less
    // than building the map below; a field taken by one entry is skipped by the later ones.
    std::vector<const HeaderField*> out;
    out.reserve(names.size());
    std::vector<bool> taken(fields.size(), false);
    for (std::string_view name : names) {
      const HeaderField* chosen = nullptr;
      for (size_t k = fields.size(); k-- > 0;) {
        if (!taken[k] && EqualsIgnoreCase(fields[k].name, name)) {
          taken[k] = true;
          chosen = &fields[k];
          break;
        }
      }
      out.push_back(chosen);
    }
    return out;
  }
  // Per distinct lower-cased name: the matching fields, top to bottom; each h= entry takes the last
  // one left. Linear in fields + names, so a hostile h= with thousands of names stays cheap.
  std::unordered_map<std::string, std::vector<const HeaderField*>> by_name;
  for (std::string_view name : names) by_name.try_emplace(LowerAscii(name));
  std::string key;
  for (const HeaderField& f : fields) {
    key = LowerAscii(f.name);
    auto it = by_name.find(key);
    if (it != by_name.end()) it->second.push_back(&f);
  }
  std::vector<const HeaderField*> out;
  out.reserve(names.size());
  for (std::string_view name : names) {
    std::vector<const HeaderField*>& left = by_name.find(LowerAscii(name))->second;
    if (left.empty()) {
      out.push_back(nullptr);
    } else {
      out.push_back(left.back());
      left.pop_back();
    }
  }
  return out;
}

std::string RemoveSignatureValue(std::string_view raw_field, std::string_view b_raw_value) {
  const size_t begin = static_cast<size_t>(b_raw_value.data() - raw_field.data());
  std::string out;
  out.reserve(raw_field.size() - b_raw_value.size());
  out.append(raw_field.substr(0, begin));
  out.append(raw_field.substr(begin + b_raw_value.size()));
  return out;
}

void AppendHeaderHashInput(Canon canon, std::span<const HeaderField* const> fields,
                           std::string_view signature_without_b, std::string* out) {
  for (const HeaderField* f : fields) {
    if (f == nullptr) continue;
    AppendCanonicalHeader(canon, f->raw, out);
    out->append("\r\n");
  }
  AppendCanonicalHeader(canon, signature_without_b, out);
}

std::string ComputeHeaderHash(Canon canon, DkimHash hash,
                              std::span<const HeaderField* const> fields,
                              std::string_view signature_without_b) {
  thread_local std::string buffer;
  buffer.clear();
  AppendHeaderHashInput(canon, fields, signature_without_b, &buffer);
  std::string digest = HashBytes(hash, buffer);
  if (buffer.capacity() > (1u << 20)) std::string().swap(buffer);  // do not pin a huge header
  return digest;
}

}  // namespace mv
