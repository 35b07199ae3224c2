// mv::Verifier and mv::Resolver, the installed API: verdicts on the dkimpy-signed corpus match what
// corpus/expected.jsonl promises, the JSON record is the one `mailverify scan` writes, and bad
// input or setup gives errors, not crashes.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mailverify/mailverify.h"
#include "util/json_value.h"

namespace {

// 2019-01-06, after message 0's signatures; the corpus keys carry no expiry, so one time serves
// all.
constexpr int64_t kVerifyTime = 1546800000;
const std::string kCorpus = MV_SOURCE_DIR "/corpus";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The messages of an mboxrd file as the mbox reader hands them on: "From " lines and the blank
// line before each dropped, ">From " quoting undone.
std::vector<std::string> SplitMbox(const std::string& mbox) {
  std::vector<std::string> messages;
  std::istringstream in(mbox);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("From ", 0) == 0) {
      messages.emplace_back();
      continue;
    }
    if (messages.empty()) continue;
    size_t quotes = 0;
    while (quotes < line.size() && line[quotes] == '>') ++quotes;
    if (quotes > 0 && line.compare(quotes, 5, "From ") == 0) line.erase(0, 1);
    messages.back() += line + "\n";
  }
  for (std::string& m : messages) {
    if (m.ends_with("\n\n")) m.pop_back();
  }
  return messages;
}

std::vector<mv::JsonValue> ExpectedRecords() {
  std::vector<mv::JsonValue> out;
  std::istringstream in(ReadFile(kCorpus + "/expected.jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    mv::Result<mv::JsonValue> v = mv::JsonValue::Parse(line);
    if (v.ok()) out.push_back(std::move(*v));
  }
  return out;
}

std::unique_ptr<mv::Verifier> CorpusVerifier() {
  std::string error;
  std::shared_ptr<mv::Resolver> dns =
      mv::Resolver::ZoneSnapshot({kCorpus + "/sample.zone"}, &error);
  EXPECT_NE(dns, nullptr) << error;
  mv::VerifierOptions options;
  options.at = kVerifyTime;
  options.authserv_id = "mx.api.test";
  std::unique_ptr<mv::Verifier> verifier = mv::Verifier::Create(dns, options, &error);
  EXPECT_NE(verifier, nullptr) << error;
  return verifier;
}

TEST(Verifier, VerdictsMatchTheCorpusExpectations) {
  const std::vector<std::string> messages = SplitMbox(ReadFile(kCorpus + "/sample.mbox"));
  const std::vector<mv::JsonValue> expected = ExpectedRecords();
  ASSERT_EQ(messages.size(), 300u);
  ASSERT_EQ(expected.size(), 300u);
  std::unique_ptr<mv::Verifier> verifier = CorpusVerifier();
  ASSERT_NE(verifier, nullptr);
  size_t dkim_pass = 0, dkim_fail = 0, dmarc_pass = 0, dmarc_fail = 0;
  for (size_t i = 0; i < messages.size(); ++i) {
    const mv::VerifyResult r = verifier->Verify(messages[i], "sample.mbox");
    const mv::JsonValue& want = expected[i];
    ASSERT_EQ(r.message_id.value_or(""), want["message_id"].AsString()) << i;
    EXPECT_TRUE(r.error.empty()) << i << ": " << r.error;
    const auto& want_sigs = want["dkim"].items();
    ASSERT_EQ(r.dkim_signatures.size(), want_sigs.size()) << i;
    for (size_t s = 0; s < want_sigs.size(); ++s) {
      EXPECT_EQ(r.dkim_signatures[s].domain, want_sigs[s]["d"].AsString()) << i;
      EXPECT_EQ(mv::VerdictName(r.dkim_signatures[s].result), want_sigs[s]["result"].AsString())
          << i << " signature " << s;
      (r.dkim_signatures[s].result == mv::Verdict::kPass ? dkim_pass : dkim_fail)++;
    }
    EXPECT_EQ(mv::VerdictName(r.spf), want["spf"]["result"].AsString()) << i;
    EXPECT_EQ(mv::VerdictName(r.dmarc), want["dmarc"]["result"].AsString()) << i;
    (r.dmarc == mv::Verdict::kPass ? dmarc_pass : dmarc_fail)++;
    EXPECT_EQ(r.json.find('\n'), std::string::npos);
    EXPECT_NE(r.json.find("\"auth_results\":\"mx.api.test; dkim="), std::string::npos) << r.json;
  }
  // The corpus has both outcomes, so the comparison above tested both.
  EXPECT_GT(dkim_pass, 100u);
  EXPECT_GT(dkim_fail, 10u);
  EXPECT_GT(dmarc_pass, 50u);
  EXPECT_GT(dmarc_fail, 10u);
}

TEST(Verifier, RecordIsTheOneTheScanWrites) {
  const std::string cmd = std::string(MV_BINARY_DIR "/mailverify scan -q --dns-zone ") + kCorpus +
                          "/sample.zone --at " + std::to_string(kVerifyTime) +
                          " --authserv-id mx.api.test " + kCorpus + "/sample.mbox";
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string scan;
  char buf[65536];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) scan.append(buf, n);
  ASSERT_EQ(pclose(pipe), 0);
  std::vector<std::string> lines;
  std::istringstream in(scan);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 300u);

  const std::vector<std::string> messages = SplitMbox(ReadFile(kCorpus + "/sample.mbox"));
  std::unique_ptr<mv::Verifier> verifier = CorpusVerifier();
  ASSERT_NE(verifier, nullptr);
  for (size_t i = 0; i < 300; i += 7) {
    // Provenance differs (the scan knows the mbox offsets), and only the scan knows the bytes came
    // from an mbox (`mbox_quoting`); everything else from message_id on is equal.
    const std::string ours = verifier->Verify(messages[i]).json;
    if (size_t q = lines[i].find(",\"mbox_quoting\":"); q != std::string::npos) {
      lines[i].erase(q, lines[i].find(',', q + 1) - q);
    }
    const size_t a = ours.find(",\"message_id\":"), b = lines[i].find(",\"message_id\":");
    ASSERT_NE(a, std::string::npos);
    ASSERT_NE(b, std::string::npos);
    EXPECT_EQ(ours.substr(a), lines[i].substr(b)) << "message " << i;
  }
}

// Run by api_live_dns (tests/api/live_dns.py), which serves the corpus zones from a private NSD
// and passes its port; disabled in the plain run, which has no server. The live factory must give
// the snapshot's records, apart from where each key came from.
TEST(VerifierLive, DISABLED_LiveDnsGivesTheSnapshotsRecords) {
  const char* port = std::getenv("MV_API_LIVE_PORT");
  ASSERT_NE(port, nullptr) << "run through tests/api/live_dns.py";
  std::string error;
  std::shared_ptr<mv::Resolver> live =
      mv::Resolver::LiveDns({std::string("127.0.0.1:") + port}, 2000, &error);
  ASSERT_NE(live, nullptr) << error;
  mv::VerifierOptions options;
  options.at = kVerifyTime;
  options.authserv_id = "mx.api.test";
  std::unique_ptr<mv::Verifier> over_live = mv::Verifier::Create(live, options, &error);
  ASSERT_NE(over_live, nullptr) << error;
  std::unique_ptr<mv::Verifier> over_zone = CorpusVerifier();
  ASSERT_NE(over_zone, nullptr);
  const std::vector<std::string> messages = SplitMbox(ReadFile(kCorpus + "/sample.mbox"));
  ASSERT_EQ(messages.size(), 300u);
  size_t passes = 0;
  for (size_t i = 0; i < messages.size(); i += 3) {
    const mv::VerifyResult a = over_live->Verify(messages[i]);
    std::string b = over_zone->Verify(messages[i]).json;
    std::string a_json = a.json;
    for (std::string* j : {&a_json, &b}) {
      for (const char* src : {"\"key_source\":\"dns\"", "\"key_source\":\"zone\""}) {
        for (size_t at; (at = j->find(src)) != std::string::npos;) {
          j->replace(at, std::string(src).size(), "\"key_source\":\"-\"");
        }
      }
    }
    EXPECT_EQ(a_json, b) << "message " << i;
    passes += a.dkim == mv::Verdict::kPass;
  }
  EXPECT_GT(passes, 50u);  // the keys really came over the wire
  std::printf("%zu of 100 messages DKIM pass over live DNS\n", passes);
}

TEST(Verifier, ThreadsSharingOneVerifierGetTheSameRecords) {
  const std::vector<std::string> messages = SplitMbox(ReadFile(kCorpus + "/sample.mbox"));
  std::unique_ptr<mv::Verifier> verifier = CorpusVerifier();
  ASSERT_NE(verifier, nullptr);
  std::vector<std::string> alone;
  for (const std::string& m : messages) alone.push_back(verifier->Verify(m).json);
  std::vector<std::string> shared(messages.size());
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = t; i < messages.size(); i += 4)
        shared[i] = verifier->Verify(messages[i]).json;
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < messages.size(); ++i) EXPECT_EQ(shared[i], alone[i]) << i;
}

TEST(Verifier, AlteredBodyFailsItsSignature) {
  std::string message = SplitMbox(ReadFile(kCorpus + "/sample.mbox")).at(0);
  std::unique_ptr<mv::Verifier> verifier = CorpusVerifier();
  ASSERT_NE(verifier, nullptr);
  ASSERT_EQ(verifier->Verify(message).dkim, mv::Verdict::kPass);
  message += "P.S. added after signing\n";
  const mv::VerifyResult r = verifier->Verify(message);
  ASSERT_FALSE(r.dkim_signatures.empty());
  for (const mv::DkimSignatureVerdict& sig : r.dkim_signatures) {
    EXPECT_EQ(sig.result, mv::Verdict::kFail);
    EXPECT_EQ(sig.reason, "body-hash-mismatch");
  }
  EXPECT_EQ(r.dkim, mv::Verdict::kFail);
  EXPECT_NE(r.dmarc, mv::Verdict::kPass);
}

TEST(Verifier, GarbageGivesARecordNotACrash) {
  std::unique_ptr<mv::Verifier> verifier = CorpusVerifier();
  ASSERT_NE(verifier, nullptr);
  for (std::string bytes : {std::string(), std::string("\0\x01\xff no header\n", 15),
                            std::string(100000, ':'), std::string("From: a\n \n\tb\r\n\r\n")}) {
    const mv::VerifyResult r = verifier->Verify(bytes, "junk");
    EXPECT_EQ(r.json.front(), '{');
    EXPECT_NE(r.json.find("\"source\":\"junk\""), std::string::npos) << r.json;
    EXPECT_EQ(r.dkim, mv::Verdict::kNone);
    EXPECT_EQ(r.dmarc, mv::Verdict::kPermError) << r.json;  // no usable From field
  }
  // A malformed header section is reported in the record's error, as a scan reports it.
  EXPECT_NE(verifier->Verify(std::string("\0\x01\xff no header\n", 15)).error.find("NUL"),
            std::string::npos);
}

TEST(Resolver, FactoriesReportErrorsAndNameTheirSources) {
  std::string error;
  EXPECT_EQ(mv::Resolver::ZoneSnapshot({"/nonexistent/x.zone"}, &error), nullptr);
  EXPECT_NE(error.find("x.zone"), std::string::npos) << error;
  error.clear();
  EXPECT_EQ(mv::Resolver::ZoneSnapshot({}, &error), nullptr);
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_EQ(mv::Verifier::Create(nullptr, {}, &error), nullptr);
  EXPECT_FALSE(error.empty());

  auto zone = mv::Resolver::ZoneSnapshot({kCorpus + "/sample.zone"});
  ASSERT_NE(zone, nullptr);
  EXPECT_EQ(zone->description(), "zone");
  // Keys from the snapshot in front of the same snapshot: the keys layer answers the key queries.
  auto keys = mv::Resolver::KeysFile(kCorpus + "/sample.zone", {kCorpus + "/sample.zone"}, &error);
  ASSERT_NE(keys, nullptr) << error;
  EXPECT_NE(keys->description().find("keys"), std::string::npos) << keys->description();
  mv::VerifierOptions options;
  options.at = kVerifyTime;
  auto verifier = mv::Verifier::Create(keys, options, &error);
  ASSERT_NE(verifier, nullptr) << error;
  EXPECT_EQ(verifier->Verify(SplitMbox(ReadFile(kCorpus + "/sample.mbox")).at(0)).dkim,
            mv::Verdict::kPass);
  // Live DNS is only built here (no query is sent): a server that is not an address is refused.
  EXPECT_EQ(mv::Resolver::LiveDns({"not an address"}, 100, &error), nullptr);
}

TEST(Version, ReportStartsWithTheHeaderVersion) {
  const std::string report = mv::VersionReport();
  EXPECT_EQ(report.rfind(std::string("mailverify ") + MAILVERIFY_VERSION_STRING + "\ncommit ", 0),
            0u)
      << report;
  EXPECT_NE(report.find("\nopenssl "), std::string::npos) << report;
  EXPECT_EQ(MAILVERIFY_VERSION, MAILVERIFY_VERSION_MAJOR * 10000 + MAILVERIFY_VERSION_MINOR * 100 +
                                    MAILVERIFY_VERSION_PATCH);
}

}  // namespace
