// The header-only DKIM and ARC checks of Outlook stores (PST, OST, MSG keep the header block, not
// the body), on messages signed and ARC-sealed by dkimpy (headers_only_vectors.py). Each message is
// cut to its header section, stored as Outlook stores it (UTF-16LE, PidTagTransportMessageHeaders)
// and read back through TransportHeadersToMessage, the readers' own path. Intact headers: neutral,
// body-unavailable, header_signature pass; one signed header changed: header_signature fail; the
// same message with its body: pass, so the signatures themselves are sound.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "arc/arc_validator.h"
#include "archive/archive_reader.h"
#include "archive/transport_headers.h"
#include "dkim_test_util.h"

namespace mv {
namespace {

using dkimtest::ReadFile;

class HeadersOnlyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One directory per process: ctest -j runs each test of this suite as its own process, and
    // they must not remove or rewrite each other's vectors (fresh keys every time).
    dir_ = new std::string(std::string(MV_BINARY_DIR) + "/headers-only-vectors-" +
                           std::to_string(::getpid()));
    std::filesystem::remove_all(*dir_);
    const std::string cmd =
        "/usr/bin/python3 " + std::string(MV_TEST_DATA) + "/dkim/headers_only_vectors.py " + *dir_;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  void SetUp() override {
    const std::string zone = ReadFile(*dir_ + "/dns.txt");
    for (size_t pos = 0; pos < zone.size();) {
      const size_t nl = zone.find('\n', pos);
      const std::string line = zone.substr(pos, nl - pos);
      pos = nl + 1;
      const size_t sp = line.find(' ');
      dns_.AddTxt(line.substr(0, sp), {line.substr(sp + 1)});
    }
    for (const auto& entry : std::filesystem::directory_iterator(*dir_)) {
      if (entry.path().extension() == ".eml") files_.push_back(entry.path().filename().string());
    }
    std::sort(files_.begin(), files_.end());
    ASSERT_EQ(files_.size(), 9u);
  }

  std::string Message(const std::string& file) const { return ReadFile(*dir_ + "/" + file); }

  static std::string Utf16Le(std::string_view ascii) {
    std::string out;
    for (char c : ascii) {
      out.push_back(c);
      out.push_back('\0');
    }
    out.append(2, '\0');  // Outlook's strings may end in a NUL
    return out;
  }

  // The message as an Outlook store keeps it: the header section only, as UTF-16LE, read back.
  static std::string StoredHeaders(const std::string& message) {
    const size_t end = message.find("\r\n\r\n");
    return TransportHeadersToMessage(Utf16Le(message.substr(0, end + 4)), MapiStringType::kUnicode);
  }

  std::vector<DkimResult> Verify(const std::string& bytes, DkimBody body) const {
    DkimVerifier verifier(const_cast<MemoryDnsSource*>(&dns_), DkimOptions{});
    return verifier.Verify(HeaderIndex::Build(bytes), 0, body);
  }

  static inline std::string* dir_ = nullptr;
  MemoryDnsSource dns_{"keys"};
  std::vector<std::string> files_;
};

TEST_F(HeadersOnlyTest, IntactHeadersVerifyButTheResultIsNeutral) {
  for (const std::string& file : files_) {
    SCOPED_TRACE(file);
    const std::string full = Message(file);
    const std::vector<DkimResult> whole = Verify(full, DkimBody::kAvailable);
    ASSERT_EQ(whole.size(), 1u);
    EXPECT_EQ(whole[0].result, DkimResultCode::kPass) << whole[0].detail;
    EXPECT_FALSE(whole[0].header_signature.has_value());

    const std::string stored = StoredHeaders(full);
    ASSERT_EQ(stored, full.substr(0, full.find("\r\n\r\n") + 4));
    const std::vector<DkimResult> headers = Verify(stored, DkimBody::kUnavailable);
    ASSERT_EQ(headers.size(), 1u);
    EXPECT_EQ(headers[0].result, DkimResultCode::kNeutral);
    EXPECT_EQ(headers[0].reason, DkimReason::kBodyUnavailable);
    ASSERT_TRUE(headers[0].header_signature.has_value());
    EXPECT_TRUE(*headers[0].header_signature) << headers[0].detail;
    EXPECT_GT(headers[0].key_bits, 0);

    // The same header block checked as if it were the whole message: its empty body does not
    // match bh=, which is exactly the false failure the header-only mode avoids.
    const std::vector<DkimResult> naive = Verify(stored, DkimBody::kAvailable);
    EXPECT_EQ(naive[0].result, DkimResultCode::kFail);
    EXPECT_EQ(naive[0].reason, DkimReason::kBodyHashMismatch);
  }
}

TEST_F(HeadersOnlyTest, OneChangedSignedHeaderFailsTheHeaderSignature) {
  for (const std::string& file : files_) {
    SCOPED_TRACE(file);
    std::string stored = StoredHeaders(Message(file));
    const size_t at = stored.find("Subject: ");
    ASSERT_NE(at, std::string::npos);
    stored.insert(at + 9, "Re: ");
    const std::vector<DkimResult> r = Verify(stored, DkimBody::kUnavailable);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].result, DkimResultCode::kNeutral);
    EXPECT_EQ(r[0].reason, DkimReason::kBodyUnavailable);
    ASSERT_TRUE(r[0].header_signature.has_value());
    EXPECT_FALSE(*r[0].header_signature);

    std::string json;
    JsonWriter w(&json);
    WriteDkimJson(r, &w);
    EXPECT_NE(json.find(R"("result":"neutral","reason":"body-unavailable")"), std::string::npos);
    EXPECT_NE(json.find(R"("header_signature":"fail")"), std::string::npos) << json;
  }
}

TEST_F(HeadersOnlyTest, AnUnsignedHeaderMayChange) {
  // Received is not in h=: a store that adds or rewrites it does not break the header signature.
  std::string stored = StoredHeaders(Message(files_[0]));
  stored.insert(0, "X-MS-Exchange-Organization-Test: added by the store\r\n");
  const std::vector<DkimResult> r = Verify(stored, DkimBody::kUnavailable);
  ASSERT_TRUE(r[0].header_signature.has_value());
  EXPECT_TRUE(*r[0].header_signature);
}

TEST_F(HeadersOnlyTest, NoKeyMeansNoHeaderSignatureVerdict) {
  // Keys that left DNS (the real samples' case): nothing was verified, so permerror and no
  // header_signature at all rather than a "fail" that would accuse the headers.
  MemoryDnsSource empty("zone");
  DkimVerifier verifier(&empty, DkimOptions{});
  const std::string stored = StoredHeaders(Message(files_[0]));
  const std::vector<DkimResult> r =
      verifier.Verify(HeaderIndex::Build(stored), 0, DkimBody::kUnavailable);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].result, DkimResultCode::kPermError);
  EXPECT_EQ(r[0].reason, DkimReason::kKeyNotFound);
  EXPECT_FALSE(r[0].header_signature.has_value());
}

TEST_F(HeadersOnlyTest, ArcSealsAndTheAmsHeaderSignatureVerifyWithoutTheBody) {
  const std::string file = ReadFile(*dir_ + "/arc.txt").substr(0, 6);
  const std::string full = Message(file);
  ArcValidator arc(&dns_);
  const ArcResult whole = arc.Validate(HeaderIndex::Build(full));
  ASSERT_EQ(whole.result, ArcResultCode::kPass) << whole.reason;
  EXPECT_FALSE(whole.body_unavailable);

  const std::string stored = StoredHeaders(full);
  const ArcResult headers = arc.Validate(HeaderIndex::Build(stored), /*body_available=*/false);
  EXPECT_EQ(headers.result, ArcResultCode::kPass) << headers.reason;
  EXPECT_TRUE(headers.body_unavailable);
  ASSERT_EQ(headers.hops.size(), 1u);
  EXPECT_TRUE(headers.hops[0].message_signature.pass);
  EXPECT_TRUE(headers.hops[0].message_signature.body_unavailable);

  // Read as a whole message, the empty body would fail the AMS: the failure the mode avoids.
  EXPECT_EQ(arc.Validate(HeaderIndex::Build(stored)).result, ArcResultCode::kFail);

  // A changed AMS-signed header still fails the chain.
  std::string altered = stored;
  altered.insert(altered.find("Subject: ") + 9, "Re: ");
  const ArcResult bad = arc.Validate(HeaderIndex::Build(altered), false);
  EXPECT_EQ(bad.result, ArcResultCode::kFail);
  EXPECT_FALSE(bad.hops[0].message_signature.pass);
}

// The real signatures in the Outlook samples (outlook.com, accountprotection.microsoft.com,
// gmail.com 2009, Google Workspace, ...). Their keys have left DNS or were rotated, so the right
// answers are: with no key, permerror key-not-found and no header_signature (nothing was verified,
// the headers are not accused); with some other key published under the same name (a rotated
// selector), neutral body-unavailable with header_signature fail, never a DKIM fail.
TEST_F(HeadersOnlyTest, RealOutlookSamplesWithoutTheirKeys) {
  const std::string samples = std::string(MV_TEST_DATA) + "/archive/samples/";
  ArchiveReader reader({InputSpec{samples + "pst/hughbe-pstreader__backup_with_rules.pst"},
                        InputSpec{samples + "pst/hughbe-pstreader__DFRWS2009-Outlook-Email.pst"},
                        InputSpec{samples + "msg"}});
  MemoryDnsSource gone("zone");
  // The test's own RSA key record (the first line of dns.txt) plays the rotated key.
  const std::string zone = ReadFile(*dir_ + "/dns.txt");
  const std::string first = zone.substr(0, zone.find('\n'));
  const std::string record = first.substr(first.find(' ') + 1);
  size_t signatures = 0;
  RawMessage m;
  while (reader.Next(&m)) {
    if (m.provenance.mime != "headers-only") continue;
    SCOPED_TRACE(m.provenance.source + " " + m.provenance.folder);
    const HeaderIndex index = HeaderIndex::Build(m.bytes);
    const std::vector<DkimResult> without =
        DkimVerifier(&gone, DkimOptions{}).Verify(index, 0, DkimBody::kUnavailable);
    MemoryDnsSource rotated("zone");
    for (const DkimResult& r : without) {
      ++signatures;
      EXPECT_EQ(r.result, DkimResultCode::kPermError);
      EXPECT_EQ(r.reason, DkimReason::kKeyNotFound) << r.detail;
      EXPECT_FALSE(r.header_signature.has_value());
      rotated.AddTxt(r.s + "._domainkey." + r.d, {record});
    }
    for (const DkimResult& r :
         DkimVerifier(&rotated, DkimOptions{}).Verify(index, 0, DkimBody::kUnavailable)) {
      if (r.a == "rsa-sha1") continue;  // none in the samples; would be judged the same way
      EXPECT_EQ(r.result, DkimResultCode::kNeutral) << r.d << " " << r.detail;
      EXPECT_EQ(r.reason, DkimReason::kBodyUnavailable);
      ASSERT_TRUE(r.header_signature.has_value());
      EXPECT_FALSE(*r.header_signature);
    }
  }
  // backup_with_rules 3, DFRWS2009 4, the headers-only MSGs 6.
  EXPECT_EQ(signatures, 13u);
}

}  // namespace
}  // namespace mv
