// ArchiveReader over trees and streams: Maildir (+ Maildir++), directories of mixed files, .eml,
// stdin, unreadable paths, stats and failed_inputs.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

#include "archive_test_util.h"

namespace mv {
namespace {

using testing::ReadAll;
using testing::ReadPath;
using testing::Record;
using testing::TempDir;
using testing::WriteFile;

std::vector<std::string> Sources(const std::vector<Record>& records) {
  std::vector<std::string> out;
  for (const Record& r : records) out.push_back(r.provenance.source);
  return out;
}

TEST(ArchiveReader, MaildirWithSubfolders) {
  TempDir dir;
  const std::string root = dir / "Mail";
  WriteFile(root + "/cur/200.host:2,S", "Subject: b\n\nb\n");
  WriteFile(root + "/cur/100.host:2,S", "Subject: a\n\na\n");
  WriteFile(root + "/new/300.host",
            "From MAILER-DAEMON Thu Jan  1 00:00:00 2026\nSubject: c\n\nc\n");
  WriteFile(root + "/tmp/400.host", "Subject: in delivery\n\n");
  WriteFile(root + "/dovecot-uidlist", "3 V1 N4\n");
  WriteFile(root + "/cur/.hidden", "not a message\n");
  WriteFile(root + "/.Sent/cur/500.host:2,S", "Subject: d\n\nd\n");
  WriteFile(root + "/.Sent/new/600.host", "Subject: e\n\ne\n");
  WriteFile(root + "/.Sent/maildirfolder", "");
  WriteFile(root + "/.Sent.Old/cur/700.host:2,S", "Subject: f\n\nFrom x\n\nFrom y\n");
  std::filesystem::create_directories(root + "/.Sent.Old/new");
  std::filesystem::create_directories(root + "/.Empty/cur");  // no new/: not a Maildir
  ArchiveReader reader({InputSpec{root}});
  std::vector<Record> r = ReadAll(&reader);
  EXPECT_EQ(Sources(r), (std::vector<std::string>{
                            root + "/cur/100.host:2,S", root + "/cur/200.host:2,S",
                            root + "/new/300.host", root + "/.Sent/cur/500.host:2,S",
                            root + "/.Sent/new/600.host", root + "/.Sent.Old/cur/700.host:2,S"}));
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[0].bytes, "Subject: a\n\na\n");
  EXPECT_EQ(r[2].bytes, "Subject: c\n\nc\n");  // the envelope "From " line is not a header
  EXPECT_EQ(r[5].bytes, "Subject: f\n\nFrom x\n\nFrom y\n");  // one file is one message
  for (const Record& m : r) {
    EXPECT_FALSE(m.input_error);
    EXPECT_EQ(m.provenance.index, 0u);
    EXPECT_EQ(m.provenance.offset, 0u);
  }
  EXPECT_EQ(reader.stats().messages, 6u);
  EXPECT_EQ(reader.stats().input_errors, 0u);
}

TEST(ArchiveReader, DirectoryWalkSortedWithFormatPerFile) {
  TempDir dir;
  WriteFile(dir / "tree/b.mbox", testing::WriteMboxrd({"S: 1\n\n1\n", "S: 2\n\n2\n"}));
  WriteFile(dir / "tree/a.eml", "S: a\n\na\n");
  WriteFile(dir / "tree/c/d.txt", "S: d\n\nd\n");
  WriteFile(dir / "tree/.hidden.eml", "S: hidden\n\n");
  WriteFile(dir / "tree/c/box/cur/1", "S: maildir\n\n");
  std::filesystem::create_directories(dir / "tree/c/box/new");
  WriteFile(dir / "tree/empty", "");
  std::vector<Record> r = ReadPath(dir / "tree");
  EXPECT_EQ(Sources(r),
            (std::vector<std::string>{dir / "tree/a.eml", dir / "tree/b.mbox", dir / "tree/b.mbox",
                                      dir / "tree/c/box/cur/1", dir / "tree/c/d.txt"}));
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[1].bytes, "S: 1\n\n1\n");
  EXPECT_EQ(r[2].provenance.index, 1u);
  EXPECT_EQ(r[3].bytes, "S: maildir\n\n");
}

TEST(ArchiveReader, SingleEmlKeepsBytesExactly) {
  TempDir dir;
  std::string eml = "Subject: x\r\n\r\nno final newline";
  WriteFile(dir / "m.eml", eml);
  std::vector<Record> r = ReadPath(dir / "m.eml");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].bytes, eml);
  EXPECT_EQ(r[0].provenance.size, eml.size());
}

TEST(ArchiveReader, OversizedSingleMessageAndEndlessDevice) {
  TempDir dir;
  WriteFile(dir / "big.eml", "S: big\n\n" + std::string(5000, 'b'));
  WriteFile(dir / "ok.eml", "S: ok\n\n");
  ArchiveOptions options;
  options.max_message_size = 4096;
  // /dev/zero never ends: reading stops at the size limit instead of hanging.
  std::vector<Record> r = ReadAll(
      {InputSpec{dir / "big.eml"}, InputSpec{"/dev/zero"}, InputSpec{dir / "ok.eml"}}, options);
  ASSERT_EQ(r.size(), 3u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_FALSE(r[i].input_error);
    EXPECT_TRUE(r[i].bytes.empty());
    EXPECT_NE(r[i].read_error.find("exceeds the maximum message size"), std::string::npos);
  }
  EXPECT_EQ(r[2].bytes, "S: ok\n\n");
}

TEST(ArchiveReader, UnreadablePathIsOneInputErrorAndReadingGoesOn) {
  TempDir dir;
  WriteFile(dir / "ok.eml", "S: ok\n\n");
  ArchiveReader reader({InputSpec{dir / "missing"}, InputSpec{dir / "ok.eml"}});
  std::vector<Record> r = ReadAll(&reader);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].input_error);
  EXPECT_EQ(r[0].read_error, dir / "missing: No such file or directory");
  EXPECT_EQ(r[0].provenance.source, dir / "missing");
  EXPECT_FALSE(r[1].input_error);
  EXPECT_EQ(reader.stats().input_errors, 1u);
  EXPECT_EQ(reader.stats().messages, 1u);
  EXPECT_EQ(reader.stats().bytes, 7u);
  EXPECT_EQ(reader.failed_inputs(), std::vector<std::string>{r[0].read_error});
}

TEST(ArchiveReader, UnlistableDirectoryInsideWalk) {
  TempDir dir;
  WriteFile(dir / "tree/a/x.eml", "S: x\n\n");
  WriteFile(dir / "tree/b.eml", "S: b\n\n");
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all);
  std::filesystem::permissions(dir / "tree", std::filesystem::perms::all);
  std::filesystem::permissions(dir / "tree/b.eml", std::filesystem::perms::all);
  std::filesystem::permissions(dir / "tree/a", std::filesystem::perms::none);
  // Root may list anything, so the reading runs in a child that gives up root (as "nobody").
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(2);
    std::vector<Record> r = ReadPath(dir / "tree");
    bool ok = r.size() == 2 && r[0].input_error &&
              r[0].read_error == dir / "tree/a: Permission denied" && !r[1].input_error &&
              r[1].provenance.source == dir / "tree/b.eml" && r[1].bytes == "S: b\n\n";
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  std::filesystem::permissions(dir / "tree/a", std::filesystem::perms::owner_all);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: wrong records, 2: could not drop root";
}

// Runs `data` through a pipe as stdin ("-").
std::vector<Record> ReadThroughPipe(const std::string& data, ArchiveOptions options = {},
                                    InputSpec spec = InputSpec{"-"}) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fds[1], data.data() + done, data.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fds[1]);
  });
  options.stdin_fd = fds[0];
  std::vector<Record> r = ReadAll({spec}, options);
  writer.join();
  ::close(fds[0]);
  return r;
}

TEST(ArchiveReader, StdinMbox) {
  std::mt19937 rng(3);
  std::vector<std::string> msgs;
  for (size_t i = 0; i < 300; ++i) msgs.push_back(testing::RandomMessage(rng, i, 30));
  ArchiveOptions options;
  options.chunk_size = 4096;  // many partial pipe reads and chunk boundaries
  std::vector<Record> r = ReadThroughPipe(testing::WriteMboxrd(msgs), options);
  ASSERT_EQ(r.size(), msgs.size());
  for (size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r[i].bytes, msgs[i]);
    EXPECT_EQ(r[i].provenance.source, "-");
    EXPECT_EQ(r[i].provenance.index, i);
  }
}

TEST(ArchiveReader, StdinSingleMessage) {
  std::vector<Record> r = ReadThroughPipe("Subject: piped\n\nbody\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].bytes, "Subject: piped\n\nbody\n");
}

TEST(ArchiveReader, StdinCompressedAndRanged) {
  TempDir dir;
  std::vector<std::string> msgs = {"S: 1\n\n1\n", "S: 2\n\n2\n", "S: 3\n\n3\n"};
  std::string plain = testing::WriteMboxrd(msgs);
  WriteFile(dir / "box", plain);
  ASSERT_EQ(std::system(("gzip -c < '" + dir / "box" + "' > '" + dir / "box.gz" + "'").c_str()), 0);
  std::vector<Record> r = ReadThroughPipe(testing::ReadFile(dir / "box.gz"));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[2].bytes, msgs[2]);
  // The second half of the stream, numbered as a whole read would number it.
  uint64_t second = plain.find("From", 1);
  r = ReadThroughPipe(plain, {}, InputSpec{"-", second, UINT64_MAX, 1});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].bytes, msgs[1]);
  EXPECT_EQ(r[0].provenance.index, 1u);
  EXPECT_EQ(r[0].provenance.offset, second);
}

TEST(ArchiveReader, MessagesInEqualMessagesOut) {
  TempDir dir;
  std::mt19937 rng(11);
  std::vector<std::string> msgs;
  for (size_t i = 0; i < 1000; ++i) msgs.push_back(testing::RandomMessage(rng, i, i % 60));
  WriteFile(dir / "box", testing::WriteMboxrd(msgs));
  ArchiveReader reader({InputSpec{dir / "box"}});
  std::vector<Record> r = ReadAll(&reader);
  ASSERT_EQ(r.size(), msgs.size());
  uint64_t bytes = 0;
  for (size_t i = 0; i < msgs.size(); ++i) {
    EXPECT_EQ(r[i].bytes, msgs[i]);
    bytes += msgs[i].size();
  }
  EXPECT_EQ(reader.stats().messages, msgs.size());
  EXPECT_EQ(reader.stats().bytes, bytes);
}

}  // namespace
}  // namespace mv
