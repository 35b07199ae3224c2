// Key recovery, the fast part: the PKCS#1 encoding against OpenSSL's own signatures, the key
// record round trip, and the search on dkimpy-signed archives with e = 3 keys (each gcd takes
// microseconds): too few signatures, --selector, the time cap, the zone file `--keys` reads,
// threads. The cases that need e = 65537 gcds are in recovery_gcd_search_test.cc.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "archive/archive_reader.h"
#include "dkim/digest.h"
#include "dkim/dkim_verifier.h"
#include "recovery/emsa_pkcs1.h"
#include "recovery/modulus_search.h"
#include "recovery/recovered_zone.h"
#include "recovery_test_util.h"

namespace mv {
namespace {

using recoverytest::MakeArchive;
using recoverytest::Recover;

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::string Sign(EVP_PKEY* key, DkimHash hash, const std::string& digest) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  EXPECT_EQ(EVP_PKEY_sign_init(ctx), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_signature_md(ctx, DkimHashMd(hash)), 1);
  size_t len = 0;
  const auto* d = reinterpret_cast<const unsigned char*>(digest.data());
  EXPECT_EQ(EVP_PKEY_sign(ctx, nullptr, &len, d, digest.size()), 1);
  std::string sig(len, '\0');
  EXPECT_EQ(
      EVP_PKEY_sign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, d, digest.size()), 1);
  sig.resize(len);
  EVP_PKEY_CTX_free(ctx);
  return sig;
}

RsaPublicNumbers NumbersOf(EVP_PKEY* key) {
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n), 1);
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e), 1);
  RsaPublicNumbers out;
  out.modulus.resize(static_cast<size_t>(BN_num_bytes(n)));
  BN_bn2bin(n, reinterpret_cast<unsigned char*>(out.modulus.data()));
  out.exponent = BN_get_word(e);
  BN_free(n);
  BN_free(e);
  return out;
}

TEST(EmsaPkcs1, MatchesWhatOpenSslSigns) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_RSA_gen(1024));
  ASSERT_TRUE(key);
  const RsaPublicNumbers numbers = NumbersOf(key.get());
  for (DkimHash hash : {DkimHash::kSha256, DkimHash::kSha1}) {
    RsaSignatureSample sample;
    sample.hash = hash;
    sample.digest = HashBytes(hash, "the header hash input");
    sample.signature = Sign(key.get(), hash, sample.digest);
    EXPECT_TRUE(RsaEquationHolds(numbers, sample)) << DkimHashName(hash);
    sample.digest[3] ^= 1;
    EXPECT_FALSE(RsaEquationHolds(numbers, sample)) << DkimHashName(hash);
  }
}

TEST(EmsaPkcs1, RejectsBadSizes) {
  EXPECT_FALSE(EncodeEmsaPkcs1v15(DkimHash::kSha256, std::string(20, 'x'), 128).ok());
  EXPECT_FALSE(EncodeEmsaPkcs1v15(DkimHash::kSha256, std::string(32, 'x'), 61).ok());
  Result<std::string> em = EncodeEmsaPkcs1v15(DkimHash::kSha256, std::string(32, 'x'), 62);
  ASSERT_TRUE(em.ok());
  EXPECT_EQ(em->size(), 62u);
  EXPECT_EQ(em->substr(0, 10), std::string("\x00\x01\xff\xff\xff\xff\xff\xff\xff\xff", 10));
}

TEST(RsaKeyRecord, SameBytesAsTheSignersRecord) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_RSA_gen(1024));
  ASSERT_TRUE(key);
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key.get(), &der);
  ASSERT_GT(len, 0);
  std::string b64(static_cast<size_t>(4 * ((len + 2) / 3) + 1), '\0');
  b64.resize(
      static_cast<size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), der, len)));
  OPENSSL_free(der);
  const RsaPublicNumbers numbers = NumbersOf(key.get());
  Result<std::string> record = DkimRecordForRsaKey(numbers);
  ASSERT_TRUE(record.ok()) << record.error();
  EXPECT_EQ(*record, "v=DKIM1; k=rsa; p=" + b64);
  Result<RsaPublicNumbers> back = RsaNumbersOfRecord(*record);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->modulus, numbers.modulus);
  EXPECT_EQ(back->exponent, 65537u);
}

TEST(KeyRecovery, TooFewSignaturesGiveNothing) {
  const auto a = MakeArchive("too-few",
                             R"({"keys": [
      {"id": "one", "bits": 512, "selector": "a", "domain": "example.org"},
      {"id": "altered", "bits": 512, "selector": "b", "domain": "example.org", "dns": "revoked"},
      {"id": "live", "bits": 512, "selector": "c", "domain": "example.org", "dns": "present"}],
    "messages": [{"key": "one"}, {"key": "altered"}, {"key": "altered", "alter": "body"},
                 {"key": "live"}, {"key": "live"}]})");
  const KeyRecoveryReport report = Recover(a);
  EXPECT_TRUE(report.keys.empty());
  EXPECT_EQ(report.names_with_key, 1u);  // c: its key is still in DNS, so not a candidate
  ASSERT_EQ(report.names.size(), 2u);
  EXPECT_EQ(report.names[0].key_name, "a._domainkey.example.org");
  EXPECT_EQ(report.names[1].key_name, "b._domainkey.example.org");
  for (const KeyNameOutcome& name : report.names) {
    EXPECT_EQ(name.search.gcds, 0u) << name.key_name;
    EXPECT_EQ(name.search.usable, 1u) << name.key_name;
    EXPECT_NE(name.outcome.find("fewer than two"), std::string::npos) << name.outcome;
  }
  EXPECT_EQ(report.names[1].search.body_altered, 1u);
}

TEST(KeyRecovery, SelectedNameIsRecoveredEvenWithAKeyInDnsAndTheZoneVerifies) {
  const auto a = MakeArchive("selected",
                             R"({"keys": [
      {"id": "k", "bits": 1024, "e": 3, "selector": "sel", "domain": "example.net",
       "dns": "present"}],
    "messages": [{"key": "k"}, {"key": "k", "alg": "rsa-sha1"}, {"key": "k"}]})");
  EXPECT_TRUE(Recover(a).names.empty());  // the key is in DNS: nothing to do unless asked

  KeyRecoveryOptions options;
  options.key_names = {"SEL._domainkey.example.net."};
  const KeyRecoveryReport report = Recover(a, options);
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_EQ(report.names[0].why, "selected");
  EXPECT_EQ(report.keys[0].numbers.exponent, 3u);
  EXPECT_EQ(report.keys[0].record, a.originals[0].second);
  EXPECT_EQ(report.keys[0].verified_others, 1u);

  // The zone file is what --keys reads; the verifier then finds the key with source "keys".
  const std::string zone = FormatRecoveredZone(report);
  EXPECT_NE(zone.find("; sel._domainkey.example.net: 1024-bit RSA, e=3, confirmed"),
            std::string::npos)
      << zone;
  EXPECT_NE(zone.find(a.mbox + ":0 <recovery-0@example.net>"), std::string::npos) << zone;
  EXPECT_NE(zone.find("verifies 1 of 1 other signatures"), std::string::npos) << zone;
  MemoryDnsSource keys("keys");
  Status st = LoadZoneText(zone, "recovered.zone", &keys);
  ASSERT_TRUE(st.ok()) << st.message() << "\n" << zone;
  DkimVerifier verifier(&keys, DkimOptions{});
  ArchiveReader reader({InputSpec{a.mbox}});
  RawMessage msg;
  int passes = 0;
  while (reader.Next(&msg)) {
    const std::vector<DkimResult> r = verifier.Verify(HeaderIndex::Build(msg.bytes));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].key_source, "keys");
    passes += r[0].result == DkimResultCode::kPass ? 1 : 0;
  }
  EXPECT_EQ(passes, 3);
}

TEST(KeyRecovery, TimeCapStopsBeforeTheNextPair) {
  const auto a = MakeArchive("time-cap",
                             R"({"keys": [
      {"id": "k", "bits": 1024, "e": 3, "selector": "s", "domain": "example.org"}],
    "messages": [{"key": "k"}, {"key": "k"}]})");
  KeyRecoveryOptions options;
  options.max_seconds_per_key = 0;
  const KeyRecoveryReport report = Recover(a, options);
  ASSERT_EQ(report.names.size(), 1u);
  EXPECT_TRUE(report.keys.empty());
  EXPECT_TRUE(report.names[0].search.time_capped);
  EXPECT_EQ(report.names[0].search.pairs_tried, 0u);
  EXPECT_NE(report.names[0].outcome.find("time cap"), std::string::npos);
}

TEST(KeyRecovery, SameResultWithTwoThreads) {
  const auto a = MakeArchive("threads",
                             R"({"keys": [
      {"id": "x", "bits": 1024, "e": 3, "selector": "x", "domain": "example.org"},
      {"id": "y", "bits": 1024, "e": 3, "selector": "y", "domain": "example.org"},
      {"id": "z", "bits": 1024, "e": 3, "selector": "z", "domain": "example.com"}],
    "messages": [{"key": "z"}, {"key": "x"}, {"key": "y"}, {"key": "x"}, {"key": "z"},
                 {"key": "y"}]})");
  KeyRecoveryOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const KeyRecoveryReport r1 = Recover(a, one);
  const KeyRecoveryReport r2 = Recover(a, two);
  ASSERT_EQ(r1.keys.size(), 3u);
  ASSERT_EQ(r2.keys.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(r1.keys[k].key_name, r2.keys[k].key_name);
    EXPECT_EQ(r1.keys[k].record, r2.keys[k].record);
    EXPECT_EQ(r1.keys[k].record, a.originals[k].second) << r1.keys[k].key_name;
  }
}

}  // namespace
}  // namespace mv
