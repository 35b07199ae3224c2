// BodyHasher against a reference body canonicalizer written straight from RFC 6376 3.4.3 and 3.4.4
// (a bare LF ends a line as CRLF does). The hasher is tuned for speed (SIMD scans, runs fed in
// place, a staging buffer); the reference is slow and plain. Random bodies of every shape, fed in
// random chunks, with and without l=, must give the same canonical length, hashed bytes and digest.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "dkim/body_hasher.h"
#include "dkim/canonicalization.h"
#include "dkim/relaxed_stops.h"

namespace mv {
namespace {

std::vector<std::string> SplitLines(std::string_view body) {
  std::vector<std::string> lines;
  std::string line;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(line);
      line.clear();
    } else {
      line.push_back(body[i]);
    }
  }
  if (!line.empty()) lines.push_back(line);  // a last line without a line break
  return lines;
}

std::string ReferenceCanonicalBody(Canon canon, std::string_view body) {
  std::vector<std::string> lines = SplitLines(body);
  if (canon == Canon::kRelaxed) {
    for (std::string& line : lines) {
      std::string out;
      bool in_wsp = false;
      for (char c : line) {
        if (c == ' ' || c == '\t') {
          in_wsp = true;
          continue;
        }
        if (in_wsp) out.push_back(' ');
        in_wsp = false;
        out.push_back(c);
      }
      line = out;  // WSP at the end of the line is dropped with in_wsp
    }
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string out;
  for (const std::string& line : lines) out += line + "\r\n";
  if (out.empty() && canon == Canon::kSimple) out = "\r\n";
  return out;
}

// Bodies built from pieces that exercise each rule, plus long plain runs that take the hasher's
// in-place path and fill its staging buffer.
std::string RandomBody(std::mt19937& rng) {
  static const char* kPieces[] = {"a",  "word", " ",   "  ",   "\t", " \t ", "\r\n", "\n",
                                  "\r", "\r\r", "x\r", "\n\n", "é",  "\xff", "=20",  "\r\n\r\n"};
  std::string body;
  const int pieces = std::uniform_int_distribution<int>(0, 120)(rng);
  for (int k = 0; k < pieces; ++k) {
    const int choice = std::uniform_int_distribution<int>(0, 19)(rng);
    if (choice < 16) {
      body += kPieces[choice];
    } else if (choice < 19) {
      const size_t n = std::uniform_int_distribution<size_t>(1, 90)(rng);
      for (size_t i = 0; i < n; ++i) body.push_back(static_cast<char>('A' + i % 26));
    } else {
      const size_t n = std::uniform_int_distribution<size_t>(500, 9000)(rng);
      body.append(n, 'q');
      if (n % 3 == 0) body += "  \n";
    }
  }
  return body;
}

TEST(BodyHasherReference, RandomBodiesMatchTheRfcRules) {
  std::mt19937 rng(20261126);
  int compared = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::string body = RandomBody(rng);
    for (Canon canon : {Canon::kSimple, Canon::kRelaxed}) {
      const std::string canonical = ReferenceCanonicalBody(canon, body);
      std::optional<uint64_t> limit;
      if (round % 3 == 1) limit = std::uniform_int_distribution<uint64_t>(0, body.size() + 10)(rng);
      const std::string expected_bytes =
          limit ? canonical.substr(0, std::min<uint64_t>(*limit, canonical.size())) : canonical;

      BodyHasher hasher(canon);
      const size_t target = hasher.AddTarget(DkimHash::kSha256, limit);
      const size_t whole = hasher.AddTarget(DkimHash::kSha1);
      size_t at = 0;
      while (at < body.size()) {
        const size_t n =
            round % 4 == 0 ? body.size() : std::uniform_int_distribution<size_t>(1, 700)(rng);
        hasher.Update(std::string_view(body).substr(at, n));
        at += n;
      }
      hasher.Finish();
      ASSERT_EQ(hasher.canonical_length(), canonical.size()) << round;
      ASSERT_EQ(hasher.hashed_bytes(target), expected_bytes.size()) << round;
      ASSERT_EQ(hasher.digest(target), HashBytes(DkimHash::kSha256, expected_bytes)) << round;
      ASSERT_EQ(hasher.digest(whole), HashBytes(DkimHash::kSha1, canonical)) << round;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 6000);
}

TEST(BodyHasherReference, ReferenceItselfFollowsTheRfcExamples) {
  // RFC 6376 3.4.5: the example body " C \r\nD \t E\r\n\r\n\r\n".
  EXPECT_EQ(ReferenceCanonicalBody(Canon::kRelaxed, " C \r\nD \t E\r\n\r\n\r\n"), " C\r\nD E\r\n");
  EXPECT_EQ(ReferenceCanonicalBody(Canon::kSimple, " C \r\nD \t E\r\n\r\n\r\n"),
            " C \r\nD \t E\r\n");
  EXPECT_EQ(ReferenceCanonicalBody(Canon::kSimple, ""), "\r\n");
  EXPECT_EQ(ReferenceCanonicalBody(Canon::kRelaxed, ""), "");
  EXPECT_EQ(ReferenceCanonicalBody(Canon::kRelaxed, "x\ry \n"), "x\ry\r\n");
}

// RFC 6376 3.4.2 read literally, byte by byte (the code AppendCanonicalHeader had before it
// copied runs): lower-case name, no WSP around the colon, line breaks removed, WSP runs as one SP,
// none at either end of the value.
std::string ReferenceRelaxedHeader(std::string_view raw) {
  size_t colon = raw.find(':');
  if (colon == std::string_view::npos) colon = raw.size();
  size_t name_end = colon;
  while (name_end > 0 && (raw[name_end - 1] == ' ' || raw[name_end - 1] == '\t')) --name_end;
  std::string out;
  for (size_t i = 0; i < name_end; ++i) {
    const char c = raw[i];
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
  }
  out.push_back(':');
  bool pending_space = false, any = false;
  for (size_t i = colon + 1; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\n' || (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n')) continue;
    if (c == ' ' || c == '\t') {
      pending_space = true;
      continue;
    }
    if (pending_space && any) out.push_back(' ');
    pending_space = false;
    any = true;
    out.push_back(c);
  }
  return out;
}

TEST(RelaxedHeaderReference, RandomFieldsMatchTheRfcRules) {
  static const char* kPieces[] = {"a", "Word", " ", "  ", "\t", "\r\n ", "\n\t", "\r",
                                  ":", "x\r",  "é", ";",  "=",  "\r\n",  "\n",   " \t "};
  std::mt19937 rng(42);
  int compared = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string field = round % 2 ? "Subject" : "X-Long-Name ";
    if (round % 7 != 0) field += ":";
    const int pieces = std::uniform_int_distribution<int>(0, 60)(rng);
    for (int k = 0; k < pieces; ++k) {
      const int choice = std::uniform_int_distribution<int>(0, 17)(rng);
      if (choice < 16) {
        field += kPieces[choice];
      } else {
        field.append(std::uniform_int_distribution<size_t>(1, 130)(rng), 'z');
      }
    }
    std::string got = "prefix";  // appends, never rewrites what is there
    AppendCanonicalHeader(Canon::kRelaxed, field, &got);
    ASSERT_EQ(got, "prefix" + ReferenceRelaxedHeader(field)) << round;
    ++compared;
  }
  EXPECT_EQ(compared, 20000);
}

// The plain, SSE2 and AVX2 stop masks agree on every kind of block, and mark what the scalar
// definition marks (an SP in the last lane always counts).
TEST(RelaxedStops, MaskVariantsAgree) {
  std::mt19937 rng(5);
  const char kBytes[] = {' ', '\t', '\r', '\n', 'a', 'b', '\xff', '='};
  for (int round = 0; round < 5000; ++round) {
    char block[64];
    for (char& c : block) c = kBytes[rng() % (round % 3 == 0 ? 8 : 5)];
    uint64_t expected = 0;
    for (int k = 0; k < 64; ++k) {
      const char c = block[k];
      const bool next_special = k == 63 || block[k + 1] == ' ' || block[k + 1] == '\t' ||
                                block[k + 1] == '\r' || block[k + 1] == '\n';
      if (c == '\t' || c == '\r' || c == '\n' || (c == ' ' && next_special)) {
        expected |= uint64_t{1} << k;
      }
    }
    for (int variant = 0; variant < 3; ++variant) {
      ASSERT_EQ(relaxed_stops_detail::StopMask64ForTest(block, variant), expected)
          << round << " variant " << variant;
    }
  }
}

}  // namespace
}  // namespace mv
