#include "dns/zone_loader.h"

#include <stdio.h>
#include <stdio_ext.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "dns/dns_name_text.h"
#include "dns/ldns_records.h"

namespace mv {
namespace {

constexpr std::string_view kMarker = ";@mailverify";

Status LineError(std::string_view file, int line, const std::string& what) {
  return Status::Error(std::string(file) + ":" + std::to_string(line) + ": " + what);
}

bool ParseUint32(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

// ";@mailverify STATUS NAME TYPE TTL [DETAIL]" (leading blanks allowed).
Status ParseMarker(std::string_view line, std::string_view file, int line_nr,
                   MemoryDnsSource* out) {
  std::istringstream in{std::string(line.substr(kMarker.size()))};
  std::string status_word, name, type_word, ttl_word;
  if (!(in >> status_word >> name >> type_word >> ttl_word)) {
    return LineError(file, line_nr, "expected ';@mailverify STATUS NAME TYPE TTL [DETAIL]'");
  }
  MemoryDnsSource::Outcome outcome;
  if (status_word == "timeout") {
    outcome.status = DnsStatus::kTempError;
    outcome.timeout = true;
  } else if (!DnsStatusFromName(status_word, &outcome.status) || outcome.status == DnsStatus::kOk) {
    return LineError(file, line_nr, "unknown outcome '" + status_word + "'");
  }
  DnsType type;
  if (!DnsTypeFromName(type_word, &type)) {
    return LineError(file, line_nr, "unknown type '" + type_word + "'");
  }
  if (!ParseUint32(ttl_word, &outcome.ttl)) {
    return LineError(file, line_nr, "bad TTL '" + ttl_word + "'");
  }
  std::string detail;
  std::getline(in, detail);
  size_t start = detail.find_first_not_of(" \t");
  outcome.error = start == std::string::npos ? std::string() : detail.substr(start);
  while (!outcome.error.empty() && outcome.error.back() == '\r') outcome.error.pop_back();
  // NAME is in master-file form (the recorder escapes blanks and other bytes); keep the raw bytes.
  std::string raw_name;
  if (!UnescapeDnsName(name, &raw_name)) {
    return LineError(file, line_nr, "bad escape in name '" + name + "'");
  }
  out->SetOutcome(raw_name, type, std::move(outcome));
  return Status::Ok();
}

Status LoadMarkers(std::string_view text, std::string_view file, MemoryDnsSource* out) {
  int line_nr = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_nr;
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    line.remove_prefix(first);
    if (line.substr(0, kMarker.size()) != kMarker) continue;
    Status st = ParseMarker(line, file, line_nr, out);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

constexpr const char* kSentinelOrigin = "no-origin.mailverify.invalid.";

bool IsUnderSentinel(const std::string& name) {
  constexpr std::string_view kSuffix = "no-origin.mailverify.invalid";
  return name.size() >= kSuffix.size() &&
         std::string_view(name).substr(name.size() - kSuffix.size()) == kSuffix;
}

struct LdnsDeleter {
  void operator()(ldns_rr* p) const { ldns_rr_free(p); }
  void operator()(FILE* f) const { fclose(f); }
};

// The block of comment lines right above the record that starts after line `first` (1-based): what
// a file says about that record, without ';' and one leading blank. A blank line, a directive or a
// marker line ends a block, so a file's header comment does not stick to its first record.
std::string CommentAbove(const std::vector<std::string_view>& lines, int first) {
  std::string comment;
  for (int n = std::max(first, 1); n <= static_cast<int>(lines.size()); ++n) {
    std::string_view line = lines[n - 1];
    const size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos || line[start] == '$' ||
        line.substr(start, kMarker.size()) == kMarker) {
      comment.clear();
      continue;
    }
    if (line[start] != ';') break;  // the record itself
    line.remove_prefix(start + 1);
    if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (!comment.empty()) comment.push_back('\n');
    comment.append(line);
  }
  return comment;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

// One entry of the file as ldns read it, kept until it is added to the source: the pieces of a
// large file are read on two threads and their entries added in file order.
struct ZoneEntry {
  enum class Kind { kRecord, kSoa, kName };
  Kind kind = Kind::kName;
  std::string owner;
  DnsRecord record;
  uint32_t negative_ttl = 0;  // kSoa: the RFC 2308 negative TTL
};

// Reads `piece` (whole lines of the file, the first being line `first_line`), after `preamble`:
// the $ORIGIN/$TTL directive lines that precede the piece in the file, so ldns starts in the state
// the file has there. Entries go to `out` up to the first error, which is returned.
Status ReadZonePiece(std::string_view piece, const std::string& preamble, int preamble_lines,
                     int first_line, std::string_view display_name,
                     const std::vector<std::string_view>& lines, std::vector<ZoneEntry>* out) {
  const std::string text = preamble + std::string(piece);
  if (text.empty()) return Status::Ok();
  std::unique_ptr<FILE, LdnsDeleter> fp(fmemopen(const_cast<char*>(text.data()), text.size(), "r"));
  if (!fp) return Status::Error(std::string(display_name) + ": cannot read");
  // ldns reads the text one getc at a time; only this thread uses the stream, so skip the
  // stream lock glibc would take on every character.
  __fsetlocking(fp.get(), FSETLOCKING_BYCALLER);

  uint32_t default_ttl = LDNS_DEFAULT_TTL;
  // ldns would silently make relative names absolute under the root; under this origin they show.
  ldns_rdf* origin = ldns_dname_new_frm_str(kSentinelOrigin);
  ldns_rdf* prev = nullptr;
  int line_nr = first_line - preamble_lines;
  int comments_from = first_line;  // the first line after the previous record
  Status result = Status::Ok();
  while (result.ok() && !feof(fp.get())) {
    ldns_rr* raw = nullptr;
    const int start_line = line_nr;
    ldns_status s = ldns_rr_new_frm_fp_l(&raw, fp.get(), &default_ttl, &origin, &prev, &line_nr);
    std::unique_ptr<ldns_rr, LdnsDeleter> rr(raw);
    if (s == LDNS_STATUS_SYNTAX_EMPTY || s == LDNS_STATUS_SYNTAX_TTL ||
        s == LDNS_STATUS_SYNTAX_ORIGIN) {
      continue;
    }
    // ldns has counted the newline that ended the entry (if any): report the entry's last line.
    const bool ended_by_newline = !(feof(fp.get()) && text.back() != '\n');
    const int err_line = std::max(start_line, ended_by_newline ? line_nr - 1 : line_nr);
    if (s == LDNS_STATUS_SYNTAX_INCLUDE) {
      result = LineError(display_name, err_line, "$INCLUDE is not supported");
      break;
    }
    if (s != LDNS_STATUS_OK) {
      result = LineError(display_name, err_line, ldns_get_errorstr_by_id(s));
      break;
    }
    const ldns_rdf* owner_rdf = ldns_rr_owner(rr.get());
    ZoneEntry entry;
    entry.owner = LdnsNameToString(owner_rdf);
    const bool convertible = RecordFromLdns(rr.get(), &entry.record);
    if (IsUnderSentinel(entry.owner) || (convertible && IsUnderSentinel(entry.record.target))) {
      result = LineError(display_name, err_line, "relative name before any $ORIGIN");
      break;
    }
    if (ldns_rr_get_class(rr.get()) != LDNS_RR_CLASS_IN) {
      result = LineError(display_name, err_line, "only class IN is supported");
      break;
    }
    if (ldns_dname_is_wildcard(owner_rdf)) {
      result = LineError(display_name, err_line, "wildcard owner names are not supported");
      break;
    }
    // The comment block between the previous record and this one belongs to this one.
    entry.record.comment = CommentAbove(lines, comments_from);
    comments_from = err_line + 1;
    if (convertible) {
      entry.kind = ZoneEntry::Kind::kRecord;
    } else if (ldns_rr_get_type(rr.get()) == LDNS_RR_TYPE_SOA) {
      entry.kind = ZoneEntry::Kind::kSoa;
      entry.negative_ttl = SoaNegativeTtl(rr.get());
    }
    out->push_back(std::move(entry));
  }
  ldns_rdf_deep_free(origin);
  ldns_rdf_deep_free(prev);
  return result;
}

// Where a large file may be cut in two: the start of a line at or after the middle that begins
// a record with its owner written out, right after a record line (so no comment block and no
// inherited owner crosses the cut), outside parentheses and quotes. 0 when there is none; the
// directive lines before it are collected into `preamble`.
size_t FindZoneCut(std::string_view text, std::string* preamble, int* preamble_lines,
                   int* cut_line) {
  int depth = 0;
  bool quoted = false;
  bool previous_is_record = false;
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else if (c == '\n') {
        ++line;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ';') {
      const size_t nl = text.find('\n', i);
      if (nl == std::string_view::npos) return 0;
      i = nl - 1;  // the newline is handled next
    } else if (c == '\n') {
      const std::string_view this_line = text.substr(line_start, i + 1 - line_start);
      const size_t first = this_line.find_first_not_of(" \t\r\n");
      const bool directive = first != std::string_view::npos && this_line[first] == '$';
      if (directive) {
        preamble->append(this_line);
        ++*preamble_lines;
      }
      const bool record_line =
          first != std::string_view::npos && this_line[first] != ';' && !directive;
      if (depth == 0) previous_is_record = record_line;
      ++line;
      line_start = i + 1;
      if (depth == 0 && previous_is_record && line_start >= text.size() / 2 &&
          line_start < text.size()) {
        const char next = text[line_start];
        if (next != ' ' && next != '\t' && next != ';' && next != '$' && next != '\n' &&
            next != '\r' && next != '(') {
          *cut_line = line;
          return line_start;
        }
      }
    }
  }
  return 0;
}

}  // namespace

Status LoadZoneText(std::string_view text, std::string_view display_name, MemoryDnsSource* out,
                    size_t split_from_bytes) {
  Status st = LoadMarkers(text, display_name, out);
  if (!st.ok()) return st;
  if (text.empty()) return Status::Ok();
  const std::vector<std::string_view> lines = SplitLines(text);

  std::string preamble;
  int preamble_lines = 0, cut_line = 0;
  const size_t cut = text.size() >= split_from_bytes
                         ? FindZoneCut(text, &preamble, &preamble_lines, &cut_line)
                         : 0;
  std::vector<ZoneEntry> first, second;
  Status first_status, second_status;
  if (cut == 0) {
    first_status = ReadZonePiece(text, "", 0, 1, display_name, lines, &first);
  } else {
    std::thread other([&] {
      second_status = ReadZonePiece(text.substr(cut), preamble, preamble_lines, cut_line,
                                    display_name, lines, &second);
    });
    first_status = ReadZonePiece(text.substr(0, cut), "", 0, 1, display_name, lines, &first);
    other.join();
  }

  // Added in file order, up to the first error, as a single pass would.
  std::vector<std::string> owners;
  std::set<std::string> apexes;
  Status result = first_status;
  for (std::vector<ZoneEntry>* piece : {&first, &second}) {
    for (ZoneEntry& e : *piece) {
      switch (e.kind) {
        case ZoneEntry::Kind::kRecord:
          out->Add(e.owner, std::move(e.record));
          break;
        case ZoneEntry::Kind::kSoa:
          out->AddName(e.owner);
          out->SetZoneNegativeTtl(e.owner, e.negative_ttl);
          apexes.insert(e.owner);
          break;
        case ZoneEntry::Kind::kName:
          out->AddName(e.owner);
          break;
      }
      owners.push_back(std::move(e.owner));
    }
    if (!result.ok()) return result;
    result = second_status;
  }
  if (!result.ok()) return result;

  // Empty non-terminals (e.g. _domainkey.example.com above s1._domainkey.example.com) exist, but
  // only where the file says where the zone starts (a SOA): above it we cannot know.
  for (const std::string& owner : owners) {
    std::vector<std::string_view> between;
    std::string_view n = owner;
    bool found_apex = false;
    for (size_t dot = n.find('.'); dot != std::string_view::npos; dot = n.find('.')) {
      n.remove_prefix(dot + 1);
      if (apexes.count(std::string(n))) {
        found_apex = true;
        break;
      }
      between.push_back(n);
    }
    if (found_apex) {
      for (std::string_view ent : between) out->AddName(ent);
    }
  }
  return Status::Ok();
}

Status LoadZoneFile(const std::string& path, MemoryDnsSource* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::Error(path + ": read error");
  return LoadZoneText(text.str(), path, out);
}

}  // namespace mv
