// Directory-shaped mail stores and the store facts of every reader: MH folders, Thunderbird
// folders (mbox + .msf), Apple Mail's exported mailboxes, Maildir, plain mbox and .eml, Gmail
// Takeout's X-GM-THRID/X-Gmail-Labels.
// Samples from public projects (samples/SOURCES.md), compared with what their own tools list.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "archive/apple_mail_export.h"
#include "archive/gmail_takeout.h"
#include "archive/mh_folder.h"
#include "archive/thunderbird_folder.h"
#include "archive_test_util.h"
#include "report/mail_date.h"
#include "store_test_util.h"

namespace mv {
namespace {

using testing::Envelope;
using testing::EnvelopeOf;
using testing::kSamples;
using testing::ReadFile;
using testing::ReadStore;
using testing::StoreRecord;
using testing::WriteFile;

std::vector<Envelope> Envelopes(const std::vector<StoreRecord>& records) {
  std::vector<Envelope> out;
  for (const StoreRecord& r : records) out.push_back(EnvelopeOf(r.bytes));
  return out;
}

void ExpectAllMessages(const std::vector<StoreRecord>& records) {
  for (const StoreRecord& r : records) {
    EXPECT_FALSE(r.input_error) << r.read_error;
    EXPECT_TRUE(r.read_error.empty()) << r.provenance.source << ": " << r.read_error;
    EXPECT_TRUE(r.store_warning.empty()) << r.provenance.source << ": " << r.store_warning;
  }
}

TEST(MhFolders, NumberedFilesInNumericOrder) {
  const std::vector<StoreRecord> records = ReadStore({kSamples + "/mh/mailutils/teaparty"});
  ASSERT_EQ(records.size(), 95u);  // files 1..95, one message each
  ExpectAllMessages(records);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(std::filesystem::path(records[i].provenance.source).filename().string(),
              std::to_string(i + 1));
    EXPECT_EQ(records[i].provenance.source_format, "mh");
    EXPECT_EQ(records[i].provenance.folder, "teaparty");
    EXPECT_EQ(records[i].provenance.mime, "original");
  }
}

TEST(MhFolders, TreeOfFoldersWithSequencesAndLeftovers) {
  testing::TempDir dir;
  for (const char* n : {"1", "2", "3", "4", "5"}) {
    WriteFile(dir / (std::string("inbox/") + n), ReadFile(kSamples + "/mh/mailutils/mbox1/" + n));
  }
  WriteFile(dir / "inbox/.mh_sequences", "unseen: 2-4\ncur: 5\n");
  WriteFile(dir / "inbox/,6", "From: deleted@example.org\n\ngone\n");
  WriteFile(dir / "inbox/3~", "From: backup@example.org\n\nold\n");
  WriteFile(dir / "inbox/.xmhcache", "junk");
  for (const char* n : {"1", "2"}) {
    WriteFile(dir / (std::string("inbox/lists/") + n),
              ReadFile(kSamples + "/mh/mailutils/mime/" + n));
  }
  const std::vector<StoreRecord> records = ReadStore({dir / "inbox"});
  ASSERT_EQ(records.size(), 8u);  // 1-5, the deleted ",6" (still the folder's message), lists/1-2
  ExpectAllMessages(records);
  EXPECT_EQ(records[0].provenance.folder, "inbox");
  EXPECT_EQ(EnvelopeOf(records[5].bytes).from, "deleted@example.org");
  EXPECT_EQ(records[5].provenance.labels, (std::vector<std::string>{"\\Deleted"}));
  EXPECT_EQ(records[6].provenance.folder, "lists");
  EXPECT_EQ(records[7].provenance.source_format, "mh");
  // With a sequence file, a stray non-numbered file does not stop the folder being MH (and is no
  // message); without one, it makes the directory an ordinary one.
  WriteFile(dir / "inbox/notes.txt", "From: notes@example.org\n\nnot mail\n");
  EXPECT_EQ(ReadStore({dir / "inbox"}).size(), 8u);
  EXPECT_FALSE(LooksLikeMhFolder({"1", "notes.txt"}, false));
  EXPECT_TRUE(LooksLikeMhFolder({"1", ",2", "3~"}, false));
  EXPECT_TRUE(IsMhMessageName("95"));
  EXPECT_FALSE(IsMhMessageName("095"));
  EXPECT_FALSE(IsMhMessageName("0"));
  EXPECT_TRUE(MhNumberLess("9", "10"));
  EXPECT_TRUE(MhNumberLess("12", ",12"));
  EXPECT_TRUE(MhNumberLess(",9", "10"));
  EXPECT_FALSE(MhNumberLess(",12", "12"));
  EXPECT_TRUE(IsMhDeletedName("#3"));
  EXPECT_FALSE(IsMhDeletedName("3~"));
  EXPECT_FALSE(IsMhDeletedName(",03"));
}

TEST(SameMessagesThreeStores, MboxMaildirAndMhAgree) {
  const std::vector<StoreRecord> mbox = ReadStore({kSamples + "/mbox/mailutils__mbox1"});
  const std::vector<StoreRecord> maildir = ReadStore({kSamples + "/maildir/mailutils/mbox1"});
  const std::vector<StoreRecord> mh = ReadStore({kSamples + "/mh/mailutils/mbox1"});
  ASSERT_EQ(mbox.size(), 5u);
  ExpectAllMessages(mbox);
  ExpectAllMessages(maildir);
  ExpectAllMessages(mh);
  EXPECT_EQ(Envelopes(maildir), Envelopes(mbox));
  EXPECT_EQ(Envelopes(mh), Envelopes(mbox));
  EXPECT_EQ(mbox[0].provenance.source_format, "mbox");
  EXPECT_EQ(maildir[0].provenance.source_format, "maildir");  // new/ only: still a Maildir
  EXPECT_EQ(mh[0].provenance.source_format, "mh");
  EXPECT_EQ(EnvelopeOf(mbox[0].bytes).subject, "Jabberwocky");
}

TEST(MaildirFolders, MaildirPlusPlusSubfoldersAreNamed) {
  testing::TempDir dir;
  const std::string m = "From: a@example.org\nSubject: s\n\nbody\n";
  WriteFile(dir / "Mail/cur/1.host:2,S", m);
  std::filesystem::create_directories(dir / "Mail/new");
  WriteFile(dir / "Mail/.Sent/cur/2.host:2,S", m);
  std::filesystem::create_directories(dir / "Mail/.Sent/new");
  const std::vector<StoreRecord> records = ReadStore({dir / "Mail", dir / "Mail/cur/1.host:2,S"});
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].provenance.folder, "");  // the Maildir given is the inbox
  EXPECT_EQ(records[1].provenance.folder, "Sent");
  EXPECT_EQ(records[1].provenance.source_format, "maildir");
  EXPECT_EQ(records[2].provenance.source_format, "eml");  // the same file named alone
}

// MimeKit writes From and Date re-formatted ("Chuck Simmons" quoted, "Thu, 08 Feb"), so they are
// compared as what they mean: the address and the instant.
Envelope Meaning(const Envelope& e) {
  std::string address = e.from;
  if (const size_t lt = address.find('<'); lt != std::string::npos) {
    address = address.substr(lt + 1, address.find('>', lt) - lt - 1);
  } else {
    address = address.substr(0, address.find(' '));
  }
  const std::optional<int64_t> t = ParseMailDate(e.date);
  return {address, e.subject, t ? std::to_string(*t) : "unparsed: " + e.date};
}

// MimeKit's listing of the Netscape folder: From, Subject and Date of each of its 29 messages.
std::vector<Envelope> MimeKitSummary() {
  std::ifstream in(kSamples + "/mbox-thunderbird/mimekit__content-length-summary.txt");
  std::vector<Envelope> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("From - ")) out.emplace_back();
    if (out.empty()) continue;
    if (line.starts_with("From: ")) out.back().from = line.substr(6);
    if (line.starts_with("Subject: ")) out.back().subject = line.substr(9);
    if (line.starts_with("Date: ")) out.back().date = line.substr(6);
  }
  return out;
}

TEST(ThunderbirdFolders, MboxBesideMsfIndexes) {
  testing::TempDir dir;
  const std::string account = dir / "Mail/Local Folders";
  const std::string mork = "// <!-- <mdb:mork:z v=\"1.4\"/> -->\n< <(a=c)> // (f=iso-8859-1)>\n";
  WriteFile(account + "/Inbox",
            ReadFile(kSamples + "/mbox-thunderbird/mimekit__content-length.mbox.txt"));
  WriteFile(account + "/Inbox.msf", mork);
  WriteFile(account + "/Inbox.sbd/Lists", ReadFile(kSamples + "/mbox/mailutils__mbox1"));
  WriteFile(account + "/Inbox.sbd/Lists.msf", mork);
  WriteFile(account + "/Trash", "");
  WriteFile(account + "/Trash.msf", mork);
  WriteFile(account + "/msgFilterRules.dat", "version=\"9\"\nlogging=\"no\"\n");
  WriteFile(account + "/popstate.dat", "# POP3 State File\n");
  const std::vector<StoreRecord> records = ReadStore({dir / "Mail"});
  // MimeKit lists 29 messages. The first four are separated by "From - " lines that follow no
  // empty line, and their Content-Length values (1213, 3748, 3748 for bodies of 1231, 5757 and
  // 5792 bytes) do not land on them; the reader takes such lines for separators because they
  // look like postmarks (mbox_postmark.h), so all 29 agree with MimeKit field for field.
  ASSERT_EQ(records.size(), 29u + 5u);
  ExpectAllMessages(records);
  const std::vector<Envelope> expected = MimeKitSummary();
  ASSERT_EQ(expected.size(), 29u);
  std::vector<Envelope> inbox = Envelopes({records.begin(), records.begin() + 29});
  for (size_t i = 0; i < inbox.size(); ++i) {
    Envelope ours = Meaning(inbox[i]);
    Envelope theirs = Meaning(expected[i]);
    if (i == 6) {
      // "develop!nextmime@ebony@sblab.att.com" (two '@', not an address): MimeKit keeps the part
      // before the second '@'; the record shows the field as written.
      EXPECT_EQ(ours.from, "develop!nextmime@ebony@sblab.att.com");
      EXPECT_EQ(theirs.from, "develop!nextmime@ebony");
      ours.from = theirs.from;
    }
    if (i == 22) {
      // "12:24:23 cst": RFC 5322's obsolete zone names are case-insensitive, so this is -0600;
      // MimeKit reads the lower-case name as +0000.
      EXPECT_EQ(std::stoll(ours.date), std::stoll(theirs.date) + 6 * 3600);
      ours.date = theirs.date;
    }
    EXPECT_EQ(ours, theirs) << i;
  }
  // The folder is the mailbox path below the directory given (account folder, then mailbox).
  EXPECT_EQ(records[0].provenance.folder, "Local Folders/Inbox");
  EXPECT_EQ(records[0].provenance.source_format, "mbox");
  EXPECT_EQ(records[29].provenance.folder, "Local Folders/Inbox/Lists");
  EXPECT_EQ(ReadStore({account})[0].provenance.folder, "Inbox");
  EXPECT_EQ(ThunderbirdMailboxName("Inbox.sbd/Work.sbd/2024"), "Inbox/Work/2024");
}

TEST(ThunderbirdFolders, AnMsfNameWithoutMorkContentIsRead) {
  testing::TempDir dir;
  WriteFile(dir / "notes.msf", "From: a@example.org\n\nnot an index\n");
  const std::vector<StoreRecord> records = ReadStore({dir.path()});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].provenance.source_format, "eml");
}

// Mail's table_of_contents names each message's sender and subject in the order of the mbox
// beside it: every record's From and Subject must be found there, in that order.
void ExpectListedInTableOfContents(const std::vector<StoreRecord>& records,
                                   const std::string& toc_path) {
  const std::string toc = ReadFile(toc_path);
  size_t at = 0;
  for (const StoreRecord& r : records) {
    const Envelope e = EnvelopeOf(r.bytes);
    at = toc.find(e.from, at);
    ASSERT_NE(at, std::string::npos) << e.from;
    at = toc.find(e.subject, at + e.from.size());
    ASSERT_NE(at, std::string::npos) << e.subject;
    at += e.subject.size();
  }
}

TEST(AppleMailExport, MboxBesideTableOfContents) {
  const std::string root = kSamples + "/mbox-applemail-export";
  const std::vector<StoreRecord> records = ReadStore({root});
  // Six + one "From " lines; the two binary indexes are not messages.
  ASSERT_EQ(records.size(), 7u);
  ExpectAllMessages(records);
  const std::vector<StoreRecord> inbox(records.begin() + 1, records.end());
  const std::vector<StoreRecord> sub(records.begin(), records.begin() + 1);
  EXPECT_EQ(records[0].provenance.folder, "INBOX/TopFolder/Subfolder1");  // "INBOX" < "INBOX.mbox"
  for (const StoreRecord& r : inbox) {
    EXPECT_EQ(r.provenance.folder, "INBOX");
    EXPECT_EQ(r.provenance.source_format, "mbox");
  }
  ExpectListedInTableOfContents(inbox, root + "/INBOX.mbox/table_of_contents");
  ExpectListedInTableOfContents(sub, root + "/INBOX/TopFolder/Subfolder1.mbox/table_of_contents");
  EXPECT_EQ(EnvelopeOf(inbox[1].bytes), (Envelope{"Alice Autoresponder <hello@autocrypt.dev>",
                                                  "Re: Autocrypt was successfully installed!",
                                                  "Thu, 24 Oct 2019 03:13:15 -0000"}));
  // The mailbox given itself is named after its directory.
  EXPECT_EQ(ReadStore({root + "/INBOX.mbox"})[0].provenance.folder, "INBOX");
  EXPECT_EQ(AppleMailExportFolder("A.mbox/B.mbox"), "A/B");
  // A ".mbox" directory without a file "mbox" (Apple Mail's own library) is not an export.
  EXPECT_FALSE(IsAppleMailExportMailbox("x/Inbox.mbox", {"Info.plist"}));
  EXPECT_TRUE(IsAppleMailExportMailbox("x/Inbox.mbox", {"mbox", "table_of_contents"}));
}

TEST(GmailTakeout, SeparatorsOfTheSample) {
  const std::vector<StoreRecord> records =
      ReadStore({kSamples + "/mbox-gmail/mimekit__issue1189.mbox.txt"});
  ASSERT_EQ(records.size(), 4u);  // four "From <id>@xxx" lines
  ExpectAllMessages(records);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(EnvelopeOf(records[i].bytes).subject, "Message " + std::to_string(i + 1));
    EXPECT_TRUE(records[i].provenance.labels.empty());
  }
}

TEST(GmailTakeout, ThreadIdAndLabelsAreKept) {
  testing::TempDir dir;
  WriteFile(dir / "All mail Including Spam and Trash.mbox",
            "From 1773664405479613283@xxx Tue Aug 08 12:36:29 +0000 2023\n"
            "X-GM-THRID: 1773664405479613283\n"
            "X-Gmail-Labels: Inbox,Important,\"Work, old\",Opened,Category Updates\n"
            "From: a@example.org\nSubject: one\n\nbody\n\n"
            "From 1773664405479613284@xxx Tue Aug 08 12:40:00 +0000 2023\n"
            "From: b@example.org\nSubject: two\n\nbody\n");
  const std::vector<StoreRecord> records = ReadStore({dir.path()});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].provenance.gmail_thread_id, "1773664405479613283");
  EXPECT_EQ(
      records[0].provenance.labels,
      (std::vector<std::string>{"Inbox", "Important", "Work, old", "Opened", "Category Updates"}));
  EXPECT_TRUE(records[1].provenance.labels.empty());  // not carried over from the first
  EXPECT_TRUE(records[1].provenance.gmail_thread_id.empty());
  EXPECT_EQ(ParseGmailLabels(" a , \"b \"\"c\"\"\" ,,d"),
            (std::vector<std::string>{"a", "b \"c\"", "d"}));
}

}  // namespace
}  // namespace mv
