// `mailverify recover-keys` end to end: the built executable recovers the keys of a dkimpy-signed
// archive whose zone lacks them, writes a zone, and `scan --keys` on that zone then verifies the
// messages with key_source "keys". Keys use e = 3 so the run takes milliseconds; the e = 65537 path
// is covered by recovery_keysize_tests.
#include <sys/wait.h>

#include <cstdio>

#include "recovery_test_util.h"

namespace mv {
namespace {

using recoverytest::MakeArchive;
using recoverytest::ReadFile;

struct CommandRun {
  int status = -1;
  std::string out;
};

CommandRun Mailverify(const std::string& args) {
  const std::string cmd = std::string(MV_BINARY_DIR) + "/mailverify " + args + " 2>/dev/null";
  CommandRun run;
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) run.out.append(buf, n);
  const int raw = pclose(p);
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return run;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(RecoverKeysCli, ZoneFeedsScanKeys) {
  const auto a = MakeArchive("cli",
                             R"({"keys": [
      {"id": "a", "bits": 1024, "e": 3, "selector": "old", "domain": "example.org",
       "dns": "revoked"},
      {"id": "b", "bits": 1024, "e": 3, "selector": "gone", "domain": "example.com"}],
    "messages": [{"key": "a"}, {"key": "b"}, {"key": "a"}, {"key": "b"}, {"key": "a"}]})");
  const std::string zone_out = a.dir + "/recovered.zone";

  const CommandRun before = Mailverify("scan -q --dns-zone " + a.zone + " " + a.mbox);
  EXPECT_EQ(before.status, 0);
  EXPECT_EQ(Count(before.out, "\"result\":\"pass\""), 0u);
  EXPECT_EQ(Count(before.out, "\"reason\":\"key-revoked\""), 3u);
  EXPECT_EQ(Count(before.out, "\"reason\":\"key-not-found\""), 2u);

  const CommandRun recover =
      Mailverify("recover-keys --dns-zone " + a.zone + " --out " + zone_out + " " + a.mbox);
  ASSERT_EQ(recover.status, 0);
  EXPECT_TRUE(recover.out.empty());  // the zone went to --out
  const std::string zone = ReadFile(zone_out);
  EXPECT_NE(zone.find("; old._domainkey.example.org: 1024-bit RSA, e=3, confirmed"),
            std::string::npos)
      << zone;
  // Two signatures only: the key verifies its own pair and nothing else can vouch for it.
  EXPECT_NE(zone.find("; gone._domainkey.example.com: 1024-bit RSA, e=3, UNCONFIRMED"),
            std::string::npos)
      << zone;
  EXPECT_NE(zone.find("<recovery-0@example.org>"), std::string::npos) << zone;
  for (const auto& [name, record] : a.originals) {
    EXPECT_NE(zone.find(name + ". 86400 IN TXT \"" + record + "\""), std::string::npos) << name;
  }

  const CommandRun after =
      Mailverify("scan -q --dns-zone " + a.zone + " --keys " + zone_out + " " + a.mbox);
  EXPECT_EQ(after.status, 0);
  EXPECT_EQ(Count(after.out, "\"result\":\"pass\""), 5u) << after.out;
  EXPECT_EQ(Count(after.out, "\"key_source\":\"keys\""), 5u) << after.out;
  // Each verdict carries the recovery's own account of the key it used.
  EXPECT_EQ(Count(after.out, "\"key_comment\":\"old._domainkey.example.org: 1024-bit RSA, e=3, "
                             "confirmed"),
            3u)
      << after.out;
  EXPECT_EQ(Count(after.out, "computed from"), 5u) << after.out;
}

TEST(RecoverKeysCli, UsageErrors) {
  EXPECT_EQ(Mailverify("recover-keys --dns-zone /dev/null").status, 2);    // no PATH
  EXPECT_EQ(Mailverify("recover-keys --dns-zone /dev/null -").status, 2);  // stdin: read twice
  EXPECT_EQ(Mailverify("recover-keys --selector example.org /dev/null").status, 2);
  EXPECT_EQ(Mailverify("recover-keys --max-seconds-per-key x --selector "
                       "s._domainkey.example.org /dev/null")
                .status,
            2);
}

}  // namespace
}  // namespace mv
