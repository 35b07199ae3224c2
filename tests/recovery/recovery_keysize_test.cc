// Key recovery at real key sizes with e = 65537: the recovered modulus equals the one dkimpy
// signed with, for 1024- and 2048-bit keys. Each case computes one full-size gcd (s^65537 of a
// 2048-bit signature has ~134 million bits), which takes tens of seconds: see the TIMEOUT in
// CMakeLists.txt. No assertion depends on time.
#include "recovery_test_util.h"

namespace mv {
namespace {

using recoverytest::MakeArchive;
using recoverytest::ModulusOf;
using recoverytest::Recover;

void CheckRecovers(int bits) {
  const std::string b = std::to_string(bits);
  const auto a =
      MakeArchive("keysize-" + b, R"({"keys": [{"id": "k", "bits": )" + b +
                                      R"(, "selector": "rotated", "domain": "example.org"}],
    "messages": [{"key": "k"}, {"key": "k", "alg": "rsa-sha1"}, {"key": "k"}]})");
  const KeyRecoveryReport report = Recover(a);
  ASSERT_EQ(report.keys.size(), 1u) << (report.names.empty() ? "" : report.names[0].outcome);
  const RecoveredKey& key = report.keys[0];
  EXPECT_EQ(key.key_name, "rotated._domainkey.example.org");
  EXPECT_EQ(key.bits, bits);
  EXPECT_EQ(key.numbers.exponent, 65537u);
  EXPECT_EQ(key.numbers.modulus, ModulusOf(a.originals[0].second));
  EXPECT_EQ(key.record, a.originals[0].second);
  EXPECT_TRUE(key.confirmed());
  EXPECT_EQ(key.verified_others, 1u);
  const ModulusSearchResult& s = report.names[0].search;
  std::printf("%d-bit key: %.1f s wall (%.1f s powers, %.1f s gcd, %zu gcds), %.1f s CPU\n", bits,
              s.seconds, s.power_seconds, s.gcd_seconds, s.gcds, s.cpu_seconds);
}

TEST(KeyRecoveryKeySize, Rsa1024) {
  CheckRecovers(1024);
}
TEST(KeyRecoveryKeySize, Rsa2048) {
  CheckRecovers(2048);
}

}  // namespace
}  // namespace mv
