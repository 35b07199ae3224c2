// The evidence module's pieces on their own: bag-info lines, manifest path encoding, a bag written
// and verified (and broken in the ways the end-to-end test cannot reach easily), key files, and
// the RFC 3161 request. Signatures and timestamps from independent tools are in evidence_e2e.py.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "evidence/bag_layout.h"
#include "evidence/bag_verifier.h"
#include "evidence/bag_writer.h"
#include "evidence/durable_file.h"
#include "evidence/ed25519_key.h"
#include "evidence/file_facts.h"
#include "evidence/message_hash_check.h"
#include "evidence/timestamp.h"

namespace mv {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mv-evidence-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

bool Names(const BagReport& r, const std::string& prefix) {
  for (const std::string& f : r.failures) {
    if (f.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// A bag with a results file and a manifest.json that names its hash, as a scan would leave it.
std::string WriteBag(const TempDir& dir, const std::string& name) {
  Result<std::unique_ptr<BagWriter>> bag = BagWriter::Begin(dir / name);
  EXPECT_TRUE(bag.ok()) << bag.error();
  const std::string results = "{\"source\":\"a\"}\n";
  EXPECT_TRUE((*bag)->WriteFile(bag::kResults, results).ok());
  EXPECT_TRUE(
      (*bag)
          ->WriteFile(bag::kManifest, "{\"results\":{\"sha256\":\"" + Sha256Hex(results) + "\"}}\n")
          .ok());
  BagTags tags;
  tags.software_agent = "test";
  tags.bagging_time = 1700000000;
  tags.info = {{"Source-Organization", "Example"}};
  EXPECT_TRUE((*bag)->Finish(tags).ok());
  return dir / name;
}

TEST(BagInfo, RefusesWhatWouldBreakTheFile) {
  EXPECT_TRUE(ParseBagInfo("Source-Organization=Example Forensics").ok());
  EXPECT_EQ(ParseBagInfo("Contact-Name=a=b")->second, "a=b");
  EXPECT_FALSE(ParseBagInfo("NoEquals").ok());
  EXPECT_FALSE(ParseBagInfo("=value").ok());
  EXPECT_FALSE(ParseBagInfo("Bad:Key=v").ok());
  EXPECT_FALSE(ParseBagInfo("Key=line\nbreak").ok());
  EXPECT_FALSE(ParseBagInfo("Payload-Oxum=1.1").ok());
  EXPECT_FALSE(ParseBagInfo("Bagging-Date=2020-01-01").ok());
}

TEST(BagManifest, PercentEncodesCrLfAndPercent) {
  EXPECT_EQ(ManifestLine("ab", "data/x"), "ab  data/x\n");
  EXPECT_EQ(ManifestLine("ab", "data/a%b\nc\rd"), "ab  data/a%25b%0Ac%0Dd\n");
}

TEST(Bag, WrittenBagVerifiesAndIsRenamedIntoPlace) {
  TempDir dir;
  const std::string bag = WriteBag(dir, "bag");
  EXPECT_TRUE(std::filesystem::exists(bag + "/tagmanifest-sha256.txt"));
  for (const auto& e : std::filesystem::directory_iterator(dir / "")) {
    EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos);
  }
  const BagReport report = VerifyBag(bag, {}, nullptr);
  EXPECT_TRUE(report.ok()) << report.failures[0];
  EXPECT_EQ(*ReadWholeFile(bag + "/bag-info.txt"),
            "Source-Organization: Example\nBagging-Date: 2023-11-14\nPayload-Oxum: " +
                std::to_string(15 + 90) + ".2\nBag-Software-Agent: test\n");
  EXPECT_FALSE(BagWriter::Begin(bag).ok()) << "an existing bag is never written over";
}

TEST(Bag, PercentEncodedPayloadNameVerifies) {
  TempDir dir;
  Result<std::unique_ptr<BagWriter>> bag = BagWriter::Begin(dir / "bag");
  ASSERT_TRUE(bag.ok());
  ASSERT_TRUE((*bag)->WriteFile("data/100%\nsure", "x").ok());
  ASSERT_TRUE((*bag)->Finish(BagTags{}).ok());
  const BagReport report = VerifyBag(dir / "bag", {}, nullptr);
  EXPECT_TRUE(Names(report, "data/manifest.json: missing")) << "no manifest.json here";
  EXPECT_FALSE(Names(report, "data/100%")) << report.failures[0];
}

TEST(Bag, ForeignTagFileAndPathEscapesAreNamed) {
  TempDir dir;
  const std::string bag = WriteBag(dir, "bag");
  std::ofstream(bag + "/notes.txt") << "added later";
  // A payload manifest line that points outside data/ is refused, not followed.
  std::ofstream(bag + "/manifest-sha256.txt", std::ios::app)
      << std::string(64, '0') << "  data/../bagit.txt\n";
  const BagReport report = VerifyBag(bag, {}, nullptr);
  EXPECT_TRUE(Names(report, "notes.txt: a file no manifest")) << report.failures[0];
  EXPECT_TRUE(Names(report, "manifest-sha256.txt: line 3 names data/../bagit.txt"));
  EXPECT_TRUE(Names(report, "manifest-sha256.txt: sha256 differs"));
}

TEST(Bag, ModifiedResultsNamedTwice) {
  TempDir dir;
  const std::string bag = WriteBag(dir, "bag");
  std::ofstream(bag + "/data/results.jsonl", std::ios::app) << "{}\n";
  const BagReport report = VerifyBag(bag, {}, nullptr);
  EXPECT_TRUE(Names(report, "data/results.jsonl: sha256 differs"));
  EXPECT_TRUE(Names(report, "data/results.jsonl: sha256 is not the one in"));
  EXPECT_TRUE(Names(report, "bag-info.txt: Payload-Oxum"));
}

TEST(Ed25519Key, FilesRoundTripAndSignaturesVerify) {
  TempDir dir;
  const std::string key = dir / "k";
  ASSERT_TRUE(GenerateEd25519KeyFiles(key).ok());
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(GenerateEd25519KeyFiles(key).ok()) << "never overwrites";
  Result<Ed25519Secret> secret = ReadEd25519Secret(key);
  Result<std::string> pub = ReadEd25519Public(key + ".pub");
  ASSERT_TRUE(secret.ok() && pub.ok());
  EXPECT_EQ(secret->public_key, *pub);
  EXPECT_EQ(*ReadEd25519Public(key), *pub) << "the public half of a secret key file";
  const std::string sig = Ed25519Sign(*secret, "tag manifest");
  EXPECT_TRUE(Ed25519Verify(*pub, "tag manifest", sig));
  EXPECT_FALSE(Ed25519Verify(*pub, "tag manifesT", sig));
  EXPECT_EQ(Ed25519Fingerprint(*pub).size(), 64u);
  std::ofstream(dir / "bad.pub") << "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
  EXPECT_FALSE(ReadEd25519Public(dir / "bad.pub").ok());
  EXPECT_FALSE(ReadEd25519Secret(key + ".pub").ok());
}

TEST(Timestamp, RequestCarriesTheDigestAndRejectsGarbage) {
  const std::string digest(32, '\x5a');
  Result<std::string> request = MakeTimestampRequest(digest);
  ASSERT_TRUE(request.ok()) << request.error();
  EXPECT_EQ(*TimestampRequestImprint(*request), digest);
  Result<std::string> other = MakeTimestampRequest(digest);
  EXPECT_NE(*request, *other) << "each request has its own nonce";
  EXPECT_FALSE(MakeTimestampRequest("short").ok());
  EXPECT_FALSE(TimestampRequestImprint("not DER").ok());
  EXPECT_FALSE(CheckTimestampReply(*request, "not DER", digest).ok());
}

TEST(FileFacts, DirectoriesExpandSortedAndChangesDuringTheRunAreMarked) {
  TempDir dir;
  std::filesystem::create_directories(dir / "md/cur");
  std::ofstream(dir / "md/cur/b") << "b";
  std::ofstream(dir / "md/cur/a") << "abc";
  std::vector<FileFacts> facts = StatInput(dir / "md");
  ASSERT_EQ(facts.size(), 2u);
  EXPECT_EQ(facts[0].path, dir / "md/cur/a");
  EXPECT_EQ(facts[0].size, 3u);
  // The file grows between the scan's start (StatInput) and the hashing.
  std::ofstream(dir / "md/cur/a", std::ios::app) << "def";
  HashFacts(&facts);
  EXPECT_TRUE(facts[0].changed_during_run);
  EXPECT_EQ(facts[0].sha256, Sha256Hex("abcdef"));
  EXPECT_FALSE(facts[1].changed_during_run);
  EXPECT_EQ(facts[1].sha256, Sha256Hex("b"));
  const std::vector<FileFacts> stdin_facts = StatInput("-");
  ASSERT_EQ(stdin_facts.size(), 1u);
  EXPECT_FALSE(stdin_facts[0].error.empty());
  EXPECT_FALSE(FactsOfFile(dir / "missing").error.empty());
}

TEST(MessageHash, IsTheSha256OfTheBytes) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace mv
