// Helpers for the mail-store tests: every record an ArchiveReader yields with the store facts it
// carries, and the unfolded From/Subject/Date of a message, to compare with upstream listings.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive_reader.h"
#include "message/header_index.h"

namespace mv::testing {

inline const std::string kSamples = std::string(MV_TEST_DATA) + "/archive/samples";

struct StoreRecord {
  std::string bytes;
  Provenance provenance;
  std::string read_error;
  std::string store_warning;
  bool input_error = false;
};

inline std::vector<StoreRecord> ReadStore(const std::vector<std::string>& paths) {
  std::vector<InputSpec> inputs;
  for (const std::string& p : paths) inputs.push_back(InputSpec{p});
  ArchiveReader reader(std::move(inputs));
  std::vector<StoreRecord> out;
  RawMessage m;
  while (reader.Next(&m)) {
    out.push_back(
        {std::string(m.bytes), m.provenance, m.read_error, m.store_warning, m.input_error});
  }
  return out;
}

// A header field's value without folding and surrounding blanks; "" when absent.
inline std::string FieldValue(std::string_view message, std::string_view name) {
  const HeaderIndex index = HeaderIndex::Build(message);
  const HeaderField* f = index.First(name);
  if (f == nullptr) return {};
  std::string out;
  for (char c : f->value) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  const size_t first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(" \t") - first + 1);
}

struct Envelope {
  std::string from, subject, date;
  bool operator==(const Envelope&) const = default;
};

inline void PrintTo(const Envelope& e, std::ostream* os) {
  *os << "{From: " << e.from << " | Subject: " << e.subject << " | Date: " << e.date << "}";
}

inline Envelope EnvelopeOf(std::string_view message) {
  return {FieldValue(message, "From"), FieldValue(message, "Subject"), FieldValue(message, "Date")};
}

inline std::string Lf(std::string s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace mv::testing
