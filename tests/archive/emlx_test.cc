// Apple Mail .emlx and .partial.emlx: the samples from public projects (samples/SOURCES.md), read
// the way Mail.app lays them out, checked against the counts and rebuilt messages upstream gives.
#include <gtest/gtest.h>

#include <filesystem>

#include "archive/emlx_file.h"
#include "archive/emlx_plist.h"
#include "archive/partial_emlx.h"
#include "archive_test_util.h"
#include "store_test_util.h"

namespace mv {
namespace {

using testing::EnvelopeOf;
using testing::kSamples;
using testing::Lf;
using testing::ReadFile;
using testing::ReadStore;
using testing::StoreRecord;

const std::string kConverter = kSamples + "/emlx/partial-emlx-converter";

std::string NameOf(const StoreRecord& r) {
  return std::filesystem::path(r.provenance.source).filename().string();
}

const StoreRecord& Find(const std::vector<StoreRecord>& records, const std::string& name) {
  for (const StoreRecord& r : records) {
    if (NameOf(r) == name) return r;
  }
  static const StoreRecord kNone;
  ADD_FAILURE() << "no record for " << name;
  return kNone;
}

// The text between a part's header block (found by its filename) and the next boundary line.
std::string PartBody(const std::string& message, const std::string& filename) {
  size_t at = message.find("filename=" + filename);
  if (at == std::string::npos) return "<no part " + filename + ">";
  at = message.find("\n\n", at);
  const size_t end = message.find("\n--Apple-Mail", at + 2);
  return message.substr(at + 2, end - at - 2);
}

TEST(EmlxSamples, MailLayoutGivesOneRecordPerMessageFileAndSkipsAttachments) {
  const std::vector<StoreRecord> records = ReadStore({kConverter + "/input"});
  std::vector<std::string> names;
  for (const StoreRecord& r : records) {
    EXPECT_FALSE(r.input_error) << r.read_error;
    EXPECT_TRUE(r.read_error.empty()) << r.read_error;
    names.push_back(NameOf(r));
  }
  // Messages/ holds 10 files; nothing under Attachments/ is a message of its own.
  EXPECT_EQ(names,
            (std::vector<std::string>{"114862.emlx", "114892.partial.emlx", "114893.partial.emlx",
                                      "114894.partial.emlx", "114895.partial.emlx", "11507.emlx",
                                      "136153.partial.emlx", "207046.partial.emlx",
                                      "229417.partial.emlx", "465622.partial.emlx"}));
}

TEST(EmlxSamples, CompleteEmlxIsTheConvertersMessageWithThePlistReceiveTime) {
  const std::vector<StoreRecord> records = ReadStore({kConverter + "/input/Messages/114862.emlx"});
  ASSERT_EQ(records.size(), 1u);
  const StoreRecord& r = records[0];
  EXPECT_EQ(r.provenance.source_format, "emlx");
  EXPECT_EQ(r.provenance.mime, "original");
  EXPECT_EQ(r.bytes, ReadFile(kConverter + "/expected_results/114862.eml"));
  ASSERT_TRUE(r.provenance.received_at.has_value());
  EXPECT_EQ(*r.provenance.received_at, 1516985072);
  EXPECT_EQ(r.provenance.received_at_source, "plist");
  EXPECT_TRUE(r.store_warning.empty()) << r.store_warning;
}

TEST(EmlxSamples, PartialEmlxIsReassembledFromItsAttachmentFolder) {
  const std::vector<StoreRecord> records = ReadStore({kConverter + "/input"});
  const StoreRecord& r = Find(records, "114892.partial.emlx");
  EXPECT_EQ(r.provenance.source_format, "partial-emlx");
  EXPECT_EQ(r.provenance.mime, "reassembled");
  EXPECT_TRUE(r.store_warning.empty()) << r.store_warning;
  const std::string expected = Lf(ReadFile(kConverter + "/expected_results/114892.eml"));
  EXPECT_EQ(EnvelopeOf(r.bytes), EnvelopeOf(expected));
  EXPECT_EQ(r.bytes.find("X-Apple-Content-Length"), std::string::npos);
  // The converter's output (an independent encoder) for the 7bit and base64 parts, byte for byte.
  for (const char* part : {"short.txt", "original.doc", "image001.png"}) {
    EXPECT_EQ(PartBody(r.bytes, part), PartBody(expected, part)) << part;
  }
  // Every part that was kept apart is back: the rebuilt message is as long as the converter's
  // within the quoted-printable part's line layout.
  EXPECT_GT(r.bytes.size(), 150000u);
}

TEST(EmlxSamples, MissingAttachmentFolderMakesTheMessageIncomplete) {
  const std::vector<StoreRecord> records = ReadStore({kConverter + "/input"});
  for (const char* name : {"114893.partial.emlx", "114895.partial.emlx"}) {
    const StoreRecord& r = Find(records, name);
    EXPECT_EQ(r.provenance.source_format, "partial-emlx") << name;
    EXPECT_EQ(r.provenance.mime, "incomplete") << name;
    EXPECT_NE(r.store_warning.find("4 of 4 parts kept apart are missing (2.2, 2.4, 2.6, 2.8"),
              std::string::npos)
        << r.store_warning;
    EXPECT_TRUE(r.read_error.empty());  // still checked: the verdict says what can be proven
  }
}

TEST(EmlxSamples, EditedByteCountsAreReportedAndThePlistStillEndsTheMessage) {
  const std::vector<StoreRecord> records = ReadStore({kConverter + "/input"});
  for (const char* name : {"136153.partial.emlx", "207046.partial.emlx", "229417.partial.emlx"}) {
    const StoreRecord& r = Find(records, name);
    EXPECT_NE(r.store_warning.find("bytes precede the property list"), std::string::npos)
        << name << ": " << r.store_warning;
    EXPECT_EQ(r.bytes.find("<?xml"), std::string::npos) << name;
    EXPECT_EQ(r.provenance.mime, "reassembled") << name;
    EXPECT_TRUE(r.provenance.received_at.has_value()) << name;
  }
}

TEST(EmlxSamples, LooseFiles) {
  const std::vector<StoreRecord> records = ReadStore(
      {kSamples + "/emlx/mikez-emlx__plaintext.emlx", kSamples + "/emlx/emlx_parse__1.emlx",
       kSamples + "/emlx/search-emlx-mailbox__763983.emlx",
       kConverter + "/skip-emlx/invalid.emlx"});
  ASSERT_EQ(records.size(), 4u);
  const StoreRecord& plain = records[0];
  EXPECT_EQ(plain.provenance.source_format, "emlx");
  EXPECT_EQ(plain.bytes.size(), 497u);  // the byte count
  EXPECT_EQ(testing::FieldValue(plain.bytes, "Subject"), "Re: Emlx library");
  EXPECT_EQ(*plain.provenance.received_at, 1581000000);
  // Padded count ("16062     "), 16062 bytes.
  EXPECT_EQ(records[1].provenance.source_format, "emlx");
  EXPECT_EQ(records[1].bytes.size(), 16062u);
  // Count 4994, 1783 bytes, no plist: handed on, marked as possibly cut short.
  const StoreRecord& cut = records[2];
  EXPECT_EQ(cut.provenance.mime, "incomplete");
  EXPECT_EQ(cut.bytes.size(), 1783u);
  EXPECT_NE(cut.store_warning.find("may be truncated"), std::string::npos) << cut.store_warning;
  EXPECT_FALSE(cut.provenance.received_at.has_value());
  // Not an EMLX whatever its name: read as a single message.
  EXPECT_EQ(records[3].provenance.source_format, "eml");
}

TEST(EmlxSamples, MailboxFolderComesFromTheMboxDirectories) {
  testing::TempDir dir;
  const std::string path = dir / "V10/ACCOUNT/Work.mbox/Projects.mbox/UUID/Data/Messages/7.emlx";
  testing::WriteFile(path, ReadFile(kSamples + "/emlx/mikez-emlx__plaintext.emlx"));
  testing::WriteFile(dir / "V10/ACCOUNT/Work.mbox/Info.plist", "<?xml version=\"1.0\"?><plist/>");
  const std::vector<StoreRecord> records = ReadStore({dir.path()});
  ASSERT_EQ(records.size(), 1u);  // Info.plist is Mail's, not a message
  EXPECT_EQ(records[0].provenance.folder, "Work/Projects");
  EXPECT_EQ(EmlxMailbox("/x/Inbox.mbox/Messages/1.emlx"), "Inbox");
}

TEST(EmlxLayout, DetectionAndSplitting) {
  EXPECT_TRUE(LooksLikeEmlx("12\nSubject: x\n\nbody\n"));
  EXPECT_TRUE(LooksLikeEmlx("12        \r\nS"));
  EXPECT_FALSE(LooksLikeEmlx("Subject: 12\n"));
  EXPECT_FALSE(LooksLikeEmlx("12345678901\n"));  // more than 10 digits
  EXPECT_FALSE(LooksLikeEmlx("12 x\n"));
  const EmlxLayout exact = SplitEmlx("5\nA: b\n<?xml version=\"1.0\"?><plist><dict/></plist>");
  EXPECT_EQ(exact.message, "A: b\n");
  EXPECT_TRUE(exact.warning.empty());
  // An attached XML file inside the message does not end it; the last one at a line start does.
  const EmlxLayout edited = SplitEmlx("999\nA: b\n\n<?xml in body\n<?xml v?><plist></plist>");
  EXPECT_EQ(edited.message, "A: b\n\n<?xml in body\n");
  EXPECT_FALSE(edited.warning.empty());
}

TEST(EmlxPlist, ScalarValuesOfTheTopLevelDict) {
  const auto values = ParseEmlxPlist(
      "<?xml version=\"1.0\"?>\n<!DOCTYPE plist>\n<plist version=\"1.0\"><dict>"
      "<key>date-received</key><integer>1581000000</integer>"
      "<key>gmail-label-ids</key><array><integer>1</integer><dict><key>x</key><true/></dict>"
      "</array><!-- note -->"
      "<key>subject</key><string>a &amp; b &lt;c&gt;</string>"
      "<key>date-sent</key><real>1580999999.75</real>"
      "<key>when</key><date>2020-02-06T13:39:55Z</date>"
      "<key>flagged</key><true/></dict></plist>");
  ASSERT_TRUE(values.ok()) << values.error();
  ASSERT_EQ(values->size(), 5u);  // the array is skipped
  EXPECT_EQ((*values)[1].value, "a & b <c>");
  EXPECT_EQ(PlistTime(*values, "date-received"), 1581000000);
  EXPECT_EQ(PlistTime(*values, "date-sent"), 1580999999);
  EXPECT_EQ(PlistTime(*values, "when"), 1580996395);
  EXPECT_EQ(PlistTime(*values, "subject"), std::nullopt);
  EXPECT_EQ(PlistTime(*values, "absent"), std::nullopt);
}

TEST(EmlxPlist, MalformedListsAreErrorsNotCrashes) {
  for (const char* bad : {"", "bplist00\x01", "<plist><dict><key>a</key><integer>1",
                          "<plist><dict><integer>1</integer></dict>", "<html><dict></dict>",
                          "<plist><dict><key>a</key><array><array></dict></plist>",
                          "<plist><dict><key>a</key><bogus>1</bogus></dict></plist>"}) {
    EXPECT_FALSE(ParseEmlxPlist(bad).ok()) << bad;
  }
  const auto huge =
      ParseEmlxPlist("<plist><dict><key>date-received</key><real>1e300</real></dict></plist>");
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(PlistTime(*huge, "date-received"), std::nullopt);
}

TEST(PartialEmlx, NestedPartNumbersAndTransferEncodings) {
  testing::TempDir dir;
  testing::WriteFile(dir / "Attachments/9/1/a.txt", "caf\xc3\xa9 =\nline two  \n");
  testing::WriteFile(dir / "Attachments/9/2.2/b.bin", std::string("\x00\x01\x02\xff", 4));
  const std::string message =
      "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
      "--outer\nContent-Transfer-Encoding: quoted-printable\nX-Apple-Content-Length: 9\n\n\n"
      "--outer\nContent-Type: multipart/alternative;\n\tboundary=inner\n\n"
      "--inner\nContent-Type: text/plain\n\nkept\n"
      "--inner\nContent-Transfer-Encoding: base64\nX-Apple-Content-Length: 4\n\n\n"
      "--inner--\n"
      "--outer\nContent-Transfer-Encoding: base64\nX-Apple-Content-Length: 4\n\n\n"
      "--outer--\n";
  const PartialEmlx got = ReassemblePartialEmlx(message, dir / "Attachments/9", 1 << 20);
  EXPECT_EQ(got.parts_kept_apart, 3u);
  EXPECT_EQ(got.missing, std::vector<std::string>{"3"});
  EXPECT_EQ(got.message,
            "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
            "--outer\nContent-Transfer-Encoding: quoted-printable\n\ncaf=C3=A9 =3D\nline two =20\n"
            "\n--outer\nContent-Type: multipart/alternative;\n\tboundary=inner\n\n"
            "--inner\nContent-Type: text/plain\n\nkept\n"
            "--inner\nContent-Transfer-Encoding: base64\n\nAAEC/w==\n"
            "--inner--\n"
            "--outer\nContent-Transfer-Encoding: base64\nX-Apple-Content-Length: 4\n\n\n"
            "--outer--\n");
  EXPECT_EQ(PartialEmlxAttachmentsDir("/m/Data/Messages/9.partial.emlx"), "/m/Data/Attachments/9");
}

}  // namespace
}  // namespace mv
