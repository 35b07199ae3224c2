// Key trust and key archives end to end: the built executable scans an archive whose keys were
// built with known weaknesses by make_keytrust_archive.py (openssl, GMP-free Python arithmetic,
// dkimpy signatures) and must flag each key exactly, ordinary keys `ok`, without changing any
// verdict; a JSON key archive gives `inside`/`outside` windows; `keys export` round-trips.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "util/json_value.h"

namespace mv {
namespace {

struct CommandRun {
  int status = -1;
  std::string out;
};

CommandRun Shell(const std::string& cmd) {
  CommandRun run;
  std::FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) run.out.append(buf, n);
  const int raw = pclose(p);
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return run;
}

CommandRun Mailverify(const std::string& args) {
  return Shell(std::string(MV_BINARY_DIR) + "/mailverify " + args);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// One JSON value per output line.
std::vector<JsonValue> Records(const std::string& out) {
  std::vector<JsonValue> records;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    Result<JsonValue> v = JsonValue::Parse(line);
    EXPECT_TRUE(v.ok()) << line;
    if (v.ok()) records.push_back(std::move(*v));
  }
  return records;
}

// The archive is built once for the whole suite: key generation takes seconds. ctest runs each
// case as its own process, in parallel, so each process builds it in a folder of its own.
class KeyTrustCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::string(MV_BINARY_DIR) + "/keytrust-archive-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    const std::string cmd = "/usr/bin/python3 " + std::string(MV_TEST_DATA) +
                            "/keytrust/make_keytrust_archive.py " + dir_ + " " +
                            std::string(MV_TEST_DATA) + "/conformance/dkim/rfc/rfc6376.txt";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string dir_;
};
std::string KeyTrustCli::dir_;

TEST_F(KeyTrustCli, EachKeyIsFlaggedExactlyAndEverySignatureStillPasses) {
  const CommandRun run =
      Mailverify("scan -q --dns-zone " + dir_ + "/dns.zone " + dir_ + "/archive.mbox");
  EXPECT_EQ(run.status, 0);
  std::map<std::string, std::string> expected;
  std::istringstream in(ReadFile(dir_ + "/expected.tsv"));
  std::string selector, verdict;
  while (in >> selector >> verdict) expected[selector] = verdict;
  ASSERT_EQ(expected.size(), 8u);
  std::map<std::string, std::string> got;
  for (const JsonValue& record : Records(run.out)) {
    ASSERT_EQ(record["dkim"].items().size(), 1u);
    const JsonValue& sig = record["dkim"].items()[0];
    const std::string s = sig["s"].AsString();
    got[s] = sig["key_trust"].AsString();
    EXPECT_EQ(sig["result"].AsString(), "pass") << s << ": the crypto verdict does not change";
    const std::vector<JsonValue>& detail = sig["key_trust_detail"].items();
    if (got[s] == "ok") {
      EXPECT_TRUE(detail.empty()) << s;
    } else {
      ASSERT_EQ(detail.size(), 1u) << s;  // each key has exactly one weakness
      EXPECT_EQ(detail[0].AsString().rfind(got[s] + ": ", 0), 0u) << detail[0].AsString();
    }
    if (s == "shared-a") {
      EXPECT_NE(detail[0].AsString().find("shared-b._domainkey.trust.example"), std::string::npos)
          << "says with which key";
    }
  }
  EXPECT_EQ(got, expected);
}

TEST_F(KeyTrustCli, ArcSealAndSignatureWithThePublishedKeyAreFlagged) {
  const CommandRun run =
      Mailverify("scan -q --dns-zone " + dir_ + "/dns.zone " + dir_ + "/arc.mbox");
  EXPECT_EQ(run.status, 0);
  const std::vector<JsonValue> records = Records(run.out);
  ASSERT_EQ(records.size(), 1u);
  const JsonValue& arc = records[0]["arc"];
  EXPECT_EQ(arc["result"].AsString(), "pass") << run.out;
  ASSERT_EQ(arc["hops"].items().size(), 1u);
  for (const char* part : {"seal", "message_signature"}) {
    const JsonValue& check = arc["hops"].items()[0][part];
    EXPECT_EQ(check["result"].AsString(), "pass") << part;
    EXPECT_EQ(check["key_trust"].AsString(), "published-private-key") << part;
    ASSERT_EQ(check["key_trust_detail"].items().size(), 1u);
    EXPECT_NE(check["key_trust_detail"].items()[0].AsString().find("RFC 6376"), std::string::npos);
  }
}

TEST_F(KeyTrustCli, KnownModuliTakePartInTheSharedPrimeCheck) {
  // A zone with shared-b only; shared-a's modulus comes from --known-moduli (another run).
  std::ifstream zone_in(dir_ + "/dns.zone");
  std::ofstream zone_out(dir_ + "/only-b.zone");
  std::string line;
  while (std::getline(zone_in, line)) {
    if (line.rfind("shared-a.", 0) != 0) zone_out << line << "\n";
  }
  zone_out.close();
  const CommandRun modulus = Shell("openssl rsa -in " + dir_ + "/shared-a.pem -noout -modulus");
  ASSERT_EQ(modulus.status, 0);
  ASSERT_EQ(modulus.out.rfind("Modulus=", 0), 0u);
  std::ofstream(dir_ + "/moduli.txt") << "# from another run\n" << modulus.out.substr(8);

  const CommandRun without =
      Mailverify("scan -q --dns-zone " + dir_ + "/only-b.zone " + dir_ + "/archive.mbox");
  const CommandRun with = Mailverify("scan -q --dns-zone " + dir_ + "/only-b.zone --known-moduli " +
                                     dir_ + "/moduli.txt " + dir_ + "/archive.mbox");
  for (const auto& [run, want] : {std::pair{&without, "ok"}, std::pair{&with, "shared-prime"}}) {
    bool seen = false;
    for (const JsonValue& record : Records(run->out)) {
      ASSERT_FALSE(record["dkim"].items().empty());
      const JsonValue& sig = record["dkim"].items()[0];
      if (sig["s"].AsString() != "shared-b") continue;
      seen = true;
      EXPECT_EQ(sig["key_trust"].AsString(), want);
      if (std::string(want) == "shared-prime") {
        EXPECT_NE(sig["key_trust_detail"].items()[0].AsString().find("moduli.txt:2"),
                  std::string::npos);
      }
    }
    EXPECT_TRUE(seen);
  }
}

TEST_F(KeyTrustCli, ArchiveWindowSaysInsideAndOutside) {
  const CommandRun run =
      Mailverify("scan -q --at received --dns-zone " + dir_ + "/empty.zone --keys " + dir_ +
                 "/window.json " + dir_ + "/window.mbox");
  EXPECT_EQ(run.status, 0);
  const std::vector<JsonValue> records = Records(run.out);
  ASSERT_EQ(records.size(), 2u);
  const char* windows[] = {"inside", "outside"};  // June 2020, June 2023
  for (size_t i = 0; i < 2; ++i) {
    const JsonValue& sig = records[i]["dkim"].items()[0];
    EXPECT_EQ(sig["result"].AsString(), "pass");
    EXPECT_EQ(sig["key_source"].AsString(), "keys");
    EXPECT_EQ(sig["key_window"].AsString(), windows[i]);
    EXPECT_EQ(sig["key_seen"]["first"].AsString(), "2019-01-01T00:00:00.000Z");
    EXPECT_EQ(sig["key_seen"]["last"].AsString(), "2021-12-31T00:00:00.000Z");
    EXPECT_EQ(sig["key_seen"]["archive"].AsString(), "window.json");
  }
}

TEST_F(KeyTrustCli, KeysExportRoundTripsThroughKeys) {
  // failing.mbox: one message whose only signature, by the key "tampered", fails (body changed).
  const std::string exported = dir_ + "/exported.json";
  const CommandRun run = Mailverify("keys export -q --dns-zone " + dir_ + "/dns.zone " + dir_ +
                                    "/archive.mbox " + dir_ + "/failing.mbox -o " + exported);
  ASSERT_EQ(run.status, 0);
  Result<JsonValue> keys = JsonValue::Parse(ReadFile(exported));
  ASSERT_TRUE(keys.ok()) << keys.error();
  ASSERT_EQ(keys->items().size(), 9u) << "every key used, the one that only failed too";
  for (const JsonValue& k : keys->items()) {
    EXPECT_EQ(k["domain"].AsString(), "trust.example");
    EXPECT_FALSE(k["value"].AsString().empty());
    // One message per key: first and last signature time are its t=.
    EXPECT_EQ(k["firstSeenAt"].AsString(), k["lastSeenAt"].AsString());
    const bool tampered = k["selector"].AsString() == "tampered";
    ASSERT_EQ(k["verified"].type(), JsonValue::Type::kBool) << k["selector"].AsString();
    EXPECT_EQ(k["verified"].AsBool(), !tampered) << k["selector"].AsString();
  }
  // The exported keys alone verify the archive again, each signature inside its key's window,
  // and the tampered message still fails, now with the exported key.
  const CommandRun again =
      Mailverify("scan -q --dns-zone " + dir_ + "/empty.zone --keys " + exported + " " + dir_ +
                 "/archive.mbox " + dir_ + "/failing.mbox");
  const std::vector<JsonValue> records = Records(again.out);
  ASSERT_EQ(records.size(), 9u);
  for (const JsonValue& record : records) {
    const JsonValue& sig = record["dkim"].items()[0];
    const bool tampered = sig["s"].AsString() == "tampered";
    EXPECT_EQ(sig["result"].AsString(), tampered ? "fail" : "pass") << sig["s"].AsString();
    EXPECT_EQ(sig["key_source"].AsString(), "keys");
    EXPECT_EQ(sig["key_window"].AsString(), "inside");
  }
  // And `keys audit` over the exported archive gives the same verdicts.
  const CommandRun audit = Mailverify("keys audit --keys " + exported);
  EXPECT_EQ(audit.status, 0);
  size_t flagged = 0;
  for (const JsonValue& line : Records(audit.out)) flagged += line["key_trust"].AsString() != "ok";
  EXPECT_EQ(flagged, 6u);
}

// The same archive as ArchiveWindowSaysInsideAndOutside, as CSV, read by the executable.
TEST_F(KeyTrustCli, CsvArchiveGivesTheSameWindows) {
  const CommandRun run = Mailverify("scan -q --dns-zone " + dir_ + "/empty.zone --keys " + dir_ +
                                    "/window.csv " + dir_ + "/window.mbox");
  EXPECT_EQ(run.status, 0);
  const std::vector<JsonValue> records = Records(run.out);
  ASSERT_EQ(records.size(), 2u);
  const char* windows[] = {"inside", "outside"};  // June 2020, June 2023
  for (size_t i = 0; i < 2; ++i) {
    const JsonValue& sig = records[i]["dkim"].items()[0];
    EXPECT_EQ(sig["result"].AsString(), "pass");
    EXPECT_EQ(sig["key_source"].AsString(), "keys");
    EXPECT_EQ(sig["key_window"].AsString(), windows[i]);
    EXPECT_EQ(sig["key_seen"]["first"].AsString(), "2019-01-01T00:00:00.000Z");
    EXPECT_EQ(sig["key_seen"]["last"].AsString(), "2021-12-31T00:00:00.000Z");
    EXPECT_EQ(sig["key_seen"]["archive"].AsString(), "window.csv");
  }
}

// Signatures without t= (openssl-made, see make_keytrust_archive.py) are judged by the receive
// time (the Received field, June 2020 and June 2023). The verification time is now (no --at): a
// window judged by it would say `outside` twice.
TEST_F(KeyTrustCli, WindowWithoutTIsJudgedByReceiveTime) {
  const CommandRun run = Mailverify("scan -q --dns-zone " + dir_ + "/empty.zone --keys " + dir_ +
                                    "/window.json " + dir_ + "/window-no-t.mbox");
  EXPECT_EQ(run.status, 0);
  const std::vector<JsonValue> records = Records(run.out);
  ASSERT_EQ(records.size(), 2u);
  const char* windows[] = {"inside", "outside"};
  for (size_t i = 0; i < 2; ++i) {
    const JsonValue& sig = records[i]["dkim"].items()[0];
    EXPECT_EQ(sig["result"].AsString(), "pass") << run.out;
    EXPECT_TRUE(sig["t"].is_null()) << "the signature must have no t=";
    EXPECT_EQ(sig["key_window"].AsString(), windows[i]);
  }
}

// Live DNS: a local responder (zone_dns.py) serves dns.zone, so no key is known before the scan.
// shared-a (first message) and shared-b (second) share a prime: shared-b's own record names
// shared-a, checked against the keys met so far; shared-a's record, written before shared-b was
// met, cannot, and the end-of-run lines name both. One thread, so "first met" is input order.
TEST_F(KeyTrustCli, LiveScanFlagsTheSecondKeyOfASharedPrimePairInItsRecord) {
  std::FILE* server = popen(("/usr/bin/python3 " + std::string(MV_TEST_DATA) +
                             "/keytrust/zone_dns.py " + dir_ + "/dns.zone")
                                .c_str(),
                            "r");
  ASSERT_NE(server, nullptr);
  int port = 0, pid = 0;
  ASSERT_EQ(std::fscanf(server, "port %d pid %d", &port, &pid), 2);
  const std::string err = dir_ + "/live-stderr.txt";
  // In a subshell: Shell sends the command's stderr to /dev/null, and the run summary is wanted.
  // (Built by append: GCC 12 warns falsely about `"(" + std::string` under -Wrestrict.)
  std::string cmd = "(";
  cmd += std::string(MV_BINARY_DIR) +
         "/mailverify scan --threads 1 --dns-server 127.0.0.1:" + std::to_string(port) + " " +
         dir_ + "/archive.mbox 2>" + err + ")";
  const CommandRun run = Shell(cmd);
  kill(pid, SIGTERM);
  pclose(server);
  EXPECT_EQ(run.status, 0);
  std::map<std::string, JsonValue> by_selector;
  for (const JsonValue& record : Records(run.out)) {
    const JsonValue& sig = record["dkim"].items()[0];
    by_selector[sig["s"].AsString()] = sig;
  }
  ASSERT_EQ(by_selector.size(), 8u) << run.out;
  for (const auto& [s, sig] : by_selector) {
    EXPECT_EQ(sig["key_source"].AsString(), "dns") << s << ": met live";
    EXPECT_EQ(sig["result"].AsString(), "pass") << s;
  }
  EXPECT_EQ(by_selector["shared-a"]["key_trust"].AsString(), "ok");
  const JsonValue& b = by_selector["shared-b"];
  EXPECT_EQ(b["key_trust"].AsString(), "shared-prime");
  ASSERT_EQ(b["key_trust_detail"].items().size(), 1u);
  EXPECT_NE(b["key_trust_detail"].items()[0].AsString().find(
                "shared-a._domainkey.trust.example (met earlier in this run)"),
            std::string::npos)
      << b["key_trust_detail"].items()[0].AsString();
  EXPECT_EQ(by_selector["ordinary-a"]["key_trust"].AsString(), "ok");
  EXPECT_EQ(by_selector["roca"]["key_trust"].AsString(), "roca");
  const std::string summary = ReadFile(err);
  EXPECT_NE(summary.find("key shares a prime: shared-a._domainkey.trust.example shares a prime "
                         "with shared-b._domainkey.trust.example"),
            std::string::npos)
      << summary;
}

TEST_F(KeyTrustCli, BadArchiveAndModuliFilesAreUsageErrors) {
  std::ofstream(dir_ + "/bad.json") << "{\"not\": \"an array\"}";
  std::ofstream(dir_ + "/bad-moduli.txt") << "zz not hex\n";
  EXPECT_EQ(Mailverify("scan -q --keys " + dir_ + "/bad.json " + dir_ + "/archive.mbox").status, 2);
  EXPECT_EQ(Mailverify("scan -q --dns-zone " + dir_ + "/dns.zone --known-moduli " + dir_ +
                       "/bad-moduli.txt " + dir_ + "/archive.mbox")
                .status,
            2);
}

}  // namespace
}  // namespace mv
