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

}  // namespace
}  // namespace mv
