// Differential test against an independent implementation: dkimpy_vectors.py signs a few hundred
// messages with dkimpy (keys from `openssl genpkey`), mutates them with a fixed seed and records
// dkimpy's verdict per signature. This verifier must reach the same verdict on every signature, on
// the CRLF message and on its bare-LF form, unless the expected-differences table below explains
// why with an RFC citation.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "dkim_test_util.h"

namespace mv {
namespace {

using dkimtest::Describe;
using dkimtest::ReadFile;
using dkimtest::ToLf;

// (file, signature index) -> why this verifier and dkimpy may disagree. Empty: none are known; a
// new disagreement fails the test until it is understood.
const std::map<std::pair<std::string, int>, std::string> kExpectedDifferences = {};

struct Row {
  std::string file;
  int index = 0;
  bool dkimpy_pass = false;
  std::string canon, alg, mutation;
  bool has_l = false;
};

TEST(DkimpyDifferential, SameVerdictsAsDkimpy) {
  const std::string out = std::string(MV_BINARY_DIR) + "/dkimpy-vectors";
  std::filesystem::remove_all(out);
  const std::string cmd =
      "/usr/bin/python3 " + std::string(MV_TEST_DATA) + "/dkim/dkimpy_vectors.py " + out + " 300";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;

  MemoryDnsSource dns("keys");
  const std::string zone = ReadFile(out + "/dns.txt");
  size_t pos = 0;
  while (pos < zone.size()) {
    const size_t nl = zone.find('\n', pos);
    const std::string line = zone.substr(pos, nl - pos);
    pos = nl + 1;
    const size_t sp = line.find(' ');
    dns.AddTxt(line.substr(0, sp), {line.substr(sp + 1)});
  }

  const std::string tsv = ReadFile(out + "/verdicts.tsv");
  int64_t signed_at = 0;
  std::vector<Row> rows;
  pos = 0;
  while (pos < tsv.size()) {
    const size_t nl = tsv.find('\n', pos);
    const std::string line = tsv.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.starts_with("# signed_at ")) {
      signed_at = std::stoll(line.substr(12));
      continue;
    }
    std::vector<std::string> c;
    size_t s = 0;
    while (true) {
      const size_t tab = line.find('\t', s);
      c.push_back(line.substr(s, tab == std::string::npos ? std::string::npos : tab - s));
      if (tab == std::string::npos) break;
      s = tab + 1;
    }
    ASSERT_EQ(c.size(), 7u) << line;
    rows.push_back({c[0], std::stoi(c[1]), c[2] == "1", c[3], c[4], c[6], c[5] == "1"});
  }
  ASSERT_GT(signed_at, 0);
  ASSERT_GE(rows.size(), 300u);

  DkimOptions options;
  options.verify_time = signed_at + 60;
  DkimVerifier verifier(&dns, options);
  std::map<std::string, std::vector<DkimResult>> results;
  int agreed = 0, explained = 0, passes = 0, appended_with_l = 0;
  for (const Row& row : rows) {
    auto it = results.find(row.file);
    if (it == results.end()) {
      const std::string msg = ReadFile(out + "/msg/" + row.file);
      const std::string lf = ToLf(msg);
      HeaderIndex crlf_index = HeaderIndex::Build(msg);
      HeaderIndex lf_index = HeaderIndex::Build(lf);
      std::vector<DkimResult> r = verifier.Verify(crlf_index);
      EXPECT_EQ(Describe(r), Describe(verifier.Verify(lf_index))) << row.file;
      it = results.emplace(row.file, std::move(r)).first;
    }
    ASSERT_LT(static_cast<size_t>(row.index), it->second.size()) << row.file;
    const DkimResult& r = it->second[static_cast<size_t>(row.index)];
    const bool pass = r.result == DkimResultCode::kPass;
    EXPECT_LE(r.body_bytes_signed, r.body_bytes_total) << row.file;
    if (pass && row.has_l && row.mutation == "body-append-text") {
      // The l= append attack is visible: more body than was signed.
      EXPECT_GT(r.body_bytes_total, r.body_bytes_signed) << row.file;
      ++appended_with_l;
    }
    passes += pass ? 1 : 0;
    auto diff = kExpectedDifferences.find({row.file, row.index});
    if (diff != kExpectedDifferences.end()) {
      ++explained;
      continue;
    }
    EXPECT_EQ(pass, row.dkimpy_pass)
        << row.file << " #" << row.index << " " << row.canon << " " << row.alg << " l=" << row.has_l
        << " mutation=" << row.mutation << ": ours " << DkimResultName(r.result) << " ("
        << DkimReasonName(r.reason) << ": " << r.detail << ")";
    agreed += pass == row.dkimpy_pass ? 1 : 0;
  }
  std::printf(
      "dkimpy differential: %zu signatures, %d agree, %d explained differences, %d pass, "
      "%d l= append cases\n",
      rows.size(), agreed, explained, passes, appended_with_l);
  EXPECT_GT(passes, 50);
  EXPECT_LT(passes, static_cast<int>(rows.size()) - 50);
  EXPECT_GT(appended_with_l, 0);
}

}  // namespace
}  // namespace mv
