// Key recovery with e = 65537 on 512-bit keys (a few seconds of gcd per pair): a selector reused
// with a new key gives both keys, and a pair that includes an altered message is skipped. Built
// into recovery_gcd_tests, whose ctest timeout allows for a loaded machine.
#include "recovery_test_util.h"

namespace mv {
namespace {

using recoverytest::MakeArchive;
using recoverytest::ModulusOf;
using recoverytest::Recover;

TEST(KeyRecovery, SelectorWithTwoKeysOverTimeGivesBoth) {
  const auto a = MakeArchive("two-keys",
                             R"({"keys": [
      {"id": "old", "bits": 512, "selector": "mail", "domain": "example.org", "dns": "revoked"},
      {"id": "new", "bits": 512, "selector": "mail", "domain": "example.org", "dns": "revoked"}],
    "messages": [{"key": "old"}, {"key": "old", "alg": "rsa-sha1"}, {"key": "old"},
                 {"key": "new"}, {"key": "new"}, {"key": "new", "alg": "rsa-sha1"}]})");
  ASSERT_EQ(a.originals.size(), 2u);
  const KeyRecoveryReport report = Recover(a);
  ASSERT_EQ(report.names.size(), 1u);
  const KeyNameOutcome& name = report.names[0];
  EXPECT_EQ(name.key_name, "mail._domainkey.example.org");
  EXPECT_EQ(name.why, "revoked");
  EXPECT_EQ(name.samples, 6u);
  ASSERT_EQ(report.keys.size(), 2u) << name.outcome;
  EXPECT_EQ(report.keys[0].numbers.modulus, ModulusOf(a.originals[0].second));
  EXPECT_EQ(report.keys[1].numbers.modulus, ModulusOf(a.originals[1].second));
  EXPECT_NE(report.keys[0].numbers.modulus, report.keys[1].numbers.modulus);
  EXPECT_EQ(report.keys[0].record, a.originals[0].second);
  EXPECT_EQ(report.keys[1].record, a.originals[1].second);
  // First pairs of each group: (0,1) for the old key, then (3,4) once the old key's are taken.
  EXPECT_EQ(report.keys[0].pair[0].index, 0u);
  EXPECT_EQ(report.keys[0].pair[1].index, 1u);
  EXPECT_EQ(report.keys[1].pair[0].index, 3u);
  EXPECT_EQ(report.keys[1].pair[1].index, 4u);
  EXPECT_EQ(name.search.pairs_tried, 2u);
  for (const RecoveredKey& key : report.keys) {
    EXPECT_EQ(key.bits, 512);
    EXPECT_EQ(key.numbers.exponent, 65537u);
    EXPECT_TRUE(key.pair_verified);
    EXPECT_EQ(key.verified_others, 1u);  // the third message of its own period only
    EXPECT_EQ(key.name_signatures, 6u);
    EXPECT_TRUE(key.confirmed());
  }
  EXPECT_TRUE(name.search.unexplained.empty());
}

TEST(KeyRecovery, PairWithAnAlteredMessageIsSkipped) {
  const auto a = MakeArchive("altered",
                             R"({"keys": [
      {"id": "k", "bits": 512, "selector": "s2019", "domain": "example.com"}],
    "messages": [{"key": "k", "alter": "header"}, {"key": "k"}, {"key": "k"},
                 {"key": "k", "alter": "body"}, {"key": "k"}]})");
  const KeyRecoveryReport report = Recover(a);
  ASSERT_EQ(report.names.size(), 1u);
  const KeyNameOutcome& name = report.names[0];
  EXPECT_EQ(name.why, "nxdomain");
  EXPECT_EQ(name.search.body_altered, 1u);  // recognised by bh= before any arithmetic
  EXPECT_EQ(name.search.usable, 4u);
  // (0,1) and (0,2) include the message whose Subject changed after signing; (1,2) works.
  EXPECT_EQ(name.search.pairs_tried, 3u);
  ASSERT_EQ(report.keys.size(), 1u) << name.outcome;
  const RecoveredKey& key = report.keys[0];
  EXPECT_EQ(key.numbers.modulus, ModulusOf(a.originals[0].second));
  EXPECT_EQ(key.pair[0].index, 1u);
  EXPECT_EQ(key.pair[1].index, 2u);
  EXPECT_EQ(key.pair[0].message_id, "<recovery-1@example.com>");
  ASSERT_EQ(name.search.unexplained.size(), 1u);  // the header-altered one
  EXPECT_EQ(key.verified_others, 1u);             // message 4; 0 and 3 were altered
  EXPECT_TRUE(key.confirmed());
}

}  // namespace
}  // namespace mv
