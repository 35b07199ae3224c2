// Verifier rules that need a signature made on the spot: time (x=, t=), l=, the signature limit,
// key outcomes, and the JSON shape. The signer here reuses the library's canonicalization; the
// independent checks of that canonicalization are the conformance and dkimpy tests.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <atomic>
#include <string>
#include <thread>

#include "dkim/body_hasher.h"
#include "dkim/dkim_signature.h"
#include "dkim/header_hash.h"
#include "dkim_test_util.h"

namespace mv {
namespace {

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

class Ed25519Signer {
 public:
  Ed25519Signer() : key_(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")) {}
  ~Ed25519Signer() { EVP_PKEY_free(key_); }

  std::string Record(std::string_view extra = "") const {
    unsigned char pub[32];
    size_t len = sizeof(pub);
    EVP_PKEY_get_raw_public_key(key_, pub, &len);
    return "v=DKIM1; k=ed25519; " + std::string(extra) +
           "p=" + Base64(std::string_view(reinterpret_cast<char*>(pub), len));
  }

  // Returns `message` with a relaxed/relaxed ed25519 DKIM-Signature on top; `tags` adds tags.
  std::string Sign(const std::string& message, std::string_view tags,
                   std::optional<uint64_t> l = std::nullopt) const {
    HeaderIndex index = HeaderIndex::Build(message);
    const BodyHash bh = ComputeBodyHash(Canon::kRelaxed, DkimHash::kSha256, l, index.body());
    std::string field =
        "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com;"
        " s=sel; h=from:to:subject; " +
        std::string(tags) + (l ? "l=" + std::to_string(*l) + "; " : "") +
        "bh=" + Base64(bh.digest) + "; b=";
    std::vector<std::string_view> names = {"from", "to", "subject"};
    auto fields = SelectSignedFields(index, names);
    const std::string digest = ComputeHeaderHash(Canon::kRelaxed, DkimHash::kSha256, fields, field);
    unsigned char sig[64];
    size_t sig_len = sizeof(sig);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_);
    EVP_DigestSign(ctx, sig, &sig_len, reinterpret_cast<const unsigned char*>(digest.data()),
                   digest.size());
    EVP_MD_CTX_free(ctx);
    return field + Base64(std::string_view(reinterpret_cast<char*>(sig), sig_len)) + "\r\n" +
           message;
  }

 private:
  EVP_PKEY* key_;
};

const std::string kMessage =
    "From: a@example.com\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nHello  world\r\n";

std::vector<DkimResult> Verify(DnsResolver* dns, const std::string& msg, DkimOptions options) {
  HeaderIndex index = HeaderIndex::Build(msg);
  return DkimVerifier(dns, options).Verify(index);
}

class DkimVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override { dns_.AddTxt("sel._domainkey.example.com", {signer_.Record()}); }
  Ed25519Signer signer_;
  MemoryDnsSource dns_;
};

TEST_F(DkimVerifierTest, PassesAndReportsFields) {
  DkimOptions o;
  o.verify_time = 1000;
  auto r = Verify(&dns_, signer_.Sign(kMessage, "t=900; "), o);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].result, DkimResultCode::kPass) << r[0].detail;
  EXPECT_EQ(r[0].reason, DkimReason::kOk);
  EXPECT_EQ(r[0].key_bits, 256);
  EXPECT_EQ(r[0].key_source, "zone");
  EXPECT_EQ(r[0].body_bytes_total, 13u);  // "Hello world\r\n"
  EXPECT_EQ(r[0].body_bytes_signed, 13u);
  EXPECT_EQ(r[0].verified_at, 1000);
  EXPECT_EQ(r[0].h, (std::vector<std::string>{"from", "to", "subject"}));
}

TEST_F(DkimVerifierTest, ExpiryIsJudgedAtTheGivenTimeAfterTheCrypto) {
  const std::string signed_msg = signer_.Sign(kMessage, "t=900; x=2000; ");
  DkimOptions o;
  o.verify_time = 1999;
  EXPECT_EQ(Verify(&dns_, signed_msg, o)[0].result, DkimResultCode::kPass);
  o.verify_time = 2001;
  auto r = Verify(&dns_, signed_msg, o);
  EXPECT_EQ(r[0].result, DkimResultCode::kPermError);
  EXPECT_EQ(r[0].reason, DkimReason::kExpired);
  EXPECT_TRUE(r[0].expired);
  // Tampered and expired: the crypto failure is what is reported, with the expiry still flagged.
  std::string tampered = signed_msg;
  tampered.replace(tampered.find("Hello"), 5, "Howdy");
  r = Verify(&dns_, tampered, o);
  EXPECT_EQ(r[0].result, DkimResultCode::kFail);
  EXPECT_EQ(r[0].reason, DkimReason::kBodyHashMismatch);
  EXPECT_TRUE(r[0].expired);
  // The per-message override (--at received) wins over the option.
  HeaderIndex index = HeaderIndex::Build(signed_msg);
  EXPECT_EQ(DkimVerifier(&dns_, o).Verify(index, 1500)[0].result, DkimResultCode::kPass);
}

TEST_F(DkimVerifierTest, FutureTimestampReportedOrStrictlyRejected) {
  const std::string signed_msg = signer_.Sign(kMessage, "t=5000; ");
  DkimOptions o;
  o.verify_time = 5000 - 300;  // within the allowed skew
  EXPECT_EQ(Verify(&dns_, signed_msg, o)[0].reason, DkimReason::kOk);
  o.verify_time = 1000;
  auto r = Verify(&dns_, signed_msg, o);
  EXPECT_EQ(r[0].result, DkimResultCode::kPass);
  EXPECT_EQ(r[0].reason, DkimReason::kFutureTimestamp);
  o.strict = true;
  r = Verify(&dns_, signed_msg, o);
  EXPECT_EQ(r[0].result, DkimResultCode::kPermError);
  EXPECT_EQ(r[0].reason, DkimReason::kFutureTimestamp);
}

TEST_F(DkimVerifierTest, LengthLimitShowsAppendedBytes) {
  const std::string signed_msg = signer_.Sign(kMessage, "", 13);
  const std::string appended = signed_msg + "Click here: http://evil.example/\r\n";
  DkimOptions o;
  o.verify_time = 1000;
  auto r = Verify(&dns_, appended, o);
  EXPECT_EQ(r[0].result, DkimResultCode::kPass) << r[0].detail;
  EXPECT_EQ(r[0].l, std::optional<uint64_t>(13));
  EXPECT_EQ(r[0].body_bytes_signed, 13u);
  EXPECT_EQ(r[0].body_bytes_total, 13u + 34u);
  // l= longer than the canonical body breaks RFC 6376 3.5 ("MUST NOT be larger"): permerror even
  // though the hash of the body there is matches.
  r = Verify(&dns_, signer_.Sign(kMessage, "", 1000), o);
  EXPECT_EQ(r[0].result, DkimResultCode::kPermError);
  EXPECT_EQ(r[0].reason, DkimReason::kTagSyntax);
  EXPECT_EQ(r[0].body_bytes_signed, 13u);
  // l=0 signs no body at all: any body verifies, and all of it is unsigned.
  r = Verify(&dns_, signer_.Sign(kMessage, "", 0), o);
  EXPECT_EQ(r[0].result, DkimResultCode::kPass);
  EXPECT_EQ(r[0].body_bytes_signed, 0u);
  EXPECT_EQ(r[0].body_bytes_total, 13u);
}

TEST_F(DkimVerifierTest, SignaturesBeyondTheLimitAreReportedNotChecked) {
  std::string msg = kMessage;
  for (int k = 0; k < 3; ++k) msg = signer_.Sign(msg, "t=" + std::to_string(100 + k) + "; ");
  DkimOptions o;
  o.verify_time = 1000;
  o.max_signatures = 2;
  auto r = Verify(&dns_, msg, o);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].result, DkimResultCode::kPass);
  EXPECT_EQ(r[1].result, DkimResultCode::kPass);
  EXPECT_EQ(r[2].result, DkimResultCode::kPolicy);
  EXPECT_EQ(r[2].reason, DkimReason::kNotChecked);
  EXPECT_EQ(r[2].d, "example.com");
}

TEST_F(DkimVerifierTest, KeyOutcomes) {
  const std::string signed_msg = signer_.Sign(kMessage, "i=u@mail.example.com; ");
  DkimOptions o;
  o.verify_time = 1000;
  MemoryDnsSource none;
  EXPECT_EQ(Verify(&none, signed_msg, o)[0].reason, DkimReason::kKeyNotFound);
  MemoryDnsSource revoked;
  revoked.AddTxt("sel._domainkey.example.com", {"v=DKIM1; k=ed25519; p="});
  EXPECT_EQ(Verify(&revoked, signed_msg, o)[0].reason, DkimReason::kKeyRevoked);
  MemoryDnsSource down;
  down.SetFailure("sel._domainkey.example.com", DnsStatus::kTempError);
  auto r = Verify(&down, signed_msg, o);
  EXPECT_EQ(r[0].result, DkimResultCode::kTempError);
  EXPECT_EQ(r[0].reason, DkimReason::kDnsTempError);
  MemoryDnsSource strict_key;
  strict_key.AddTxt("sel._domainkey.example.com", {signer_.Record("t=s; ")});
  EXPECT_EQ(Verify(&strict_key, signed_msg, o)[0].reason, DkimReason::kKeyStrictDomain);
  MemoryDnsSource testing;
  testing.AddTxt("sel._domainkey.example.com", {signer_.Record("t=y; ")});
  r = Verify(&testing, signed_msg, o);
  EXPECT_EQ(r[0].result, DkimResultCode::kPass);
  EXPECT_TRUE(r[0].testing);
  // Split TXT strings are joined; a CNAME to the real record is followed.
  MemoryDnsSource split;
  const std::string rec = signer_.Record();
  split.AddCname("sel._domainkey.example.com", "keys.provider.example");
  split.AddTxt("keys.provider.example", {rec.substr(0, 20), rec.substr(20)});
  EXPECT_EQ(Verify(&split, signed_msg, o)[0].result, DkimResultCode::kPass);
}

// A --keys file holds every key a selector ever had: the signature passes with the one that made
// it, whichever record comes first, and fails when none of them verifies it.
TEST_F(DkimVerifierTest, SeveralKeysAtOneNameAnyVerifyingKeyCounts) {
  const Ed25519Signer older, other;
  const std::string msg = signer_.Sign(kMessage, "t=1000; ");
  MemoryDnsSource history("keys");
  history.AddTxt("sel._domainkey.example.com", {older.Record()});
  history.AddTxt("sel._domainkey.example.com", {"v=DKIM1; k=rsa; p=broken"});
  history.AddTxt("sel._domainkey.example.com", {signer_.Record()});
  std::vector<DkimResult> r = Verify(&history, msg, DkimOptions{.verify_time = 2000});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].result, DkimResultCode::kPass) << dkimtest::Describe(r);
  EXPECT_EQ(r[0].key_source, "keys");

  MemoryDnsSource wrong("keys");
  wrong.AddTxt("sel._domainkey.example.com", {older.Record()});
  wrong.AddTxt("sel._domainkey.example.com", {other.Record()});
  r = Verify(&wrong, msg, DkimOptions{.verify_time = 2000});
  EXPECT_EQ(r[0].result, DkimResultCode::kFail);
  EXPECT_EQ(r[0].reason, DkimReason::kSignatureMismatch);
  EXPECT_NE(r[0].detail.find("none of the 2 keys"), std::string::npos) << r[0].detail;
}

TEST_F(DkimVerifierTest, JsonShapeAndQuestions) {
  std::string json;
  JsonWriter w(&json);
  WriteDkimJson({}, &w);
  EXPECT_EQ(json, "[]");
  DkimOptions o;
  o.verify_time = 1000;
  const std::string msg = signer_.Sign(signer_.Sign(kMessage, "t=1; "), "x=999; ");
  auto r = Verify(&dns_, msg, o);
  json.clear();
  JsonWriter w2(&json);
  WriteDkimJson(r, &w2);
  EXPECT_NE(json.find("\"result\":\"permerror\",\"reason\":\"expired\""), std::string::npos);
  EXPECT_NE(json.find("\"h\":[\"from\",\"to\",\"subject\"]"), std::string::npos);
  EXPECT_NE(json.find("\"l\":null,\"t\":1,\"x\":null"), std::string::npos);
  EXPECT_NE(json.find("\"key_source\":\"zone\""), std::string::npos);
  EXPECT_NE(json.find("\"verified_at\":1000"), std::string::npos);
  HeaderIndex index = HeaderIndex::Build(msg);
  std::vector<DnsQuestion> q;
  CollectDkimQuestions(index, &q);
  ASSERT_EQ(q.size(), 1u);  // two signatures, one key
  EXPECT_EQ(q[0].name, "sel._domainkey.example.com");
  EXPECT_EQ(q[0].type, DnsType::kTxt);
}

TEST_F(DkimVerifierTest, OneVerifierSharedByThreads) {
  DkimOptions o;
  o.verify_time = 1000;
  DkimVerifier verifier(&dns_, o);
  const std::string good = signer_.Sign(kMessage, "");
  std::string bad = good;
  bad.replace(bad.find("Subject: hi"), 11, "Subject: ho");
  std::atomic<int> passes{0}, fails{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int k = 0; k < 200; ++k) {
        const std::string& msg = k % 2 ? bad : good;
        HeaderIndex index = HeaderIndex::Build(msg);
        const DkimResult r = verifier.Verify(index)[0];
        (r.result == DkimResultCode::kPass ? passes : fails)++;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(passes.load(), 400);
  EXPECT_EQ(fails.load(), 400);
}

}  // namespace
}  // namespace mv
