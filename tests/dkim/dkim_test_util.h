// Helpers shared by the DKIM test programs: reading data files, line-end conversion and loading the
// conformance suites' DNS formats into a MemoryDnsSource.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "dkim/dkim_verifier.h"
#include "dns/memory_source.h"
#include "message/header_index.h"

namespace mv::dkimtest {

inline std::string DataPath(std::string_view rel) {
  return std::string(MV_TEST_DATA) + "/conformance/dkim/" + std::string(rel);
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every bare LF becomes CRLF (what the suites' reference harnesses do).
inline std::string ToCrlf(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 16);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out.push_back('\r');
    out.push_back(s[i]);
  }
  return out;
}

// Every CRLF becomes a bare LF (the mbox form of the same message).
inline std::string ToLf(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out.push_back(s[i]);
  }
  return out;
}

// Stalwart's layout: "<name> <TXT value>" lines, one empty line, then the message.
inline std::string LoadStalwart(const std::string& text, MemoryDnsSource* dns) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) break;
    const size_t sp = line.find(' ');
    dns->AddTxt(line.substr(0, sp), {std::string(line.substr(sp + 1))});
  }
  return pos < text.size() ? text.substr(pos) : std::string();
}

// Every field of two result lists, for LF-versus-CRLF comparisons.
inline std::string Describe(const std::vector<DkimResult>& results) {
  std::string json;
  JsonWriter w(&json);
  WriteDkimJson(results, &w);
  return json;
}

}  // namespace mv::dkimtest
