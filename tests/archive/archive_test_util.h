// Helpers for the archive tests: temporary directories, an mboxrd/mboxcl2 writer that is the
// inverse of what the reader must do, and collecting every record an ArchiveReader produces.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "archive/archive_reader.h"

namespace mv::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mv-archive-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream f(path, std::ios::binary);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

inline const char* kFromLine = "From sender@example.org Thu Jan  1 00:00:00 2026";

// mboxrd writer: every line matching /^>*From / gains one '>'; each message is followed by the
// empty separator line. `eol` is "\n" or "\r\n" (messages are expected to use the same).
inline std::string WriteMboxrd(const std::vector<std::string>& messages,
                               const std::string& eol = "\n") {
  std::string out;
  for (const std::string& m : messages) {
    out += kFromLine + eol;
    size_t i = 0;
    while (i < m.size()) {
      size_t nl = m.find('\n', i);
      size_t end = nl == std::string::npos ? m.size() : nl + 1;
      std::string_view line(m.data() + i, end - i);
      size_t q = line.find_first_not_of('>');
      if (q != std::string_view::npos && line.substr(q, 5) == "From ") out += '>';
      out += line;
      i = end;
    }
    out += eol;
  }
  return out;
}

// mboxcl2 writer: no quoting; a Content-Length header (inserted as the first header) counts the
// body bytes.
inline std::string WriteMboxcl2(const std::vector<std::string>& messages) {
  std::string out;
  for (const std::string& m : messages) {
    size_t sep = m.find("\n\n");
    std::string headers = m.substr(0, sep + 1);
    std::string body = m.substr(sep + 2);
    out += std::string(kFromLine) + "\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\n" + headers + "\n" + body + "\n";
  }
  return out;
}

inline std::string WithContentLength(const std::string& m) {
  size_t sep = m.find("\n\n");
  return "Content-Length: " + std::to_string(m.size() - sep - 2) + "\n" + m;
}

struct Record {
  std::string bytes;
  Provenance provenance;
  std::string read_error;
  bool input_error = false;
};

// Everything a record says, comparable as a whole: two readings of an archive must agree on it.
struct Flat {
  std::string bytes, error;
  uint64_t index, offset, size;
  bool input_error;
  bool operator==(const Flat&) const = default;
};

inline std::vector<Flat> Flatten(const std::vector<Record>& records) {
  std::vector<Flat> out;
  for (const Record& r : records) {
    out.push_back({r.bytes, r.read_error, r.provenance.index, r.provenance.offset,
                   r.provenance.size, r.input_error});
  }
  return out;
}

inline std::vector<Record> ReadAll(ArchiveReader* reader) {
  std::vector<Record> out;
  RawMessage m;
  while (reader->Next(&m)) {
    out.push_back({std::string(m.bytes), m.provenance, m.read_error, m.input_error});
  }
  return out;
}

inline std::vector<Record> ReadAll(std::vector<InputSpec> inputs, ArchiveOptions options = {}) {
  ArchiveReader reader(std::move(inputs), options);
  return ReadAll(&reader);
}

inline std::vector<Record> ReadPath(const std::string& path, ArchiveOptions options = {}) {
  return ReadAll({InputSpec{path}}, options);
}

// A plausible message whose body has lines that an mbox writer must quote.
inline std::string RandomMessage(std::mt19937& rng, size_t index, size_t body_lines) {
  static const char* kLines[] = {
      "Hello there, this is an ordinary line of text.",
      "From the desk of the president:",
      ">From an earlier quoting",
      ">>From twice quoted",
      "> quoted reply text",
      "",
      "From",
      "Fromage is cheese",
      "  From indented",
      "F",
      ">",
  };
  std::string m = "From: a" + std::to_string(index) + "@example.org\nTo: b@example.net\n";
  m += "Subject: message " + std::to_string(index) + "\n\n";
  std::uniform_int_distribution<size_t> pick(0, std::size(kLines) - 1);
  for (size_t i = 0; i < body_lines; ++i) m += std::string(kLines[pick(rng)]) + "\n";
  return m;
}

}  // namespace mv::testing
