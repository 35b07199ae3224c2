// End-to-end tests of the mailverify executable: runs the built binary on temporary archives and
// checks its records, exit status and stderr.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "../report/mini_json.h"

extern char** environ;

namespace mv {
namespace {

using testing::JsonParser;
using testing::JsonValue;

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mv-cli-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    const std::string cmd = "rm -rf '" + dir_ + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // Runs the binary with `args`, stdin from `stdin_path` (or /dev/null); stdout and stderr are
  // captured through files so neither pipe can fill up and block the child.
  Outcome Run(std::vector<std::string> args, const std::string& stdin_path = "/dev/null") {
    const std::string binary = std::string(MV_BINARY_DIR) + "/mailverify";
    const std::string out_path = Path("stdout.txt"), err_path = Path("stderr.txt");
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    pid_t pid;
    Outcome outcome;
    const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(rc, 0) << "cannot start " << binary;
    if (rc != 0) return outcome;
    int wstatus = 0;
    EXPECT_EQ(waitpid(pid, &wstatus, 0), pid);
    EXPECT_TRUE(WIFEXITED(wstatus)) << "mailverify did not exit normally";
    outcome.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    outcome.out = ReadFile(out_path);
    outcome.err = ReadFile(err_path);
    // Under scripts/sanitize, ASan warns once per process that it does not fully follow
    // swapcontext, which oneTBB's task suspension (DNS rounds) uses; that line is not ours.
    static constexpr std::string_view kAsanContextWarning =
        "WARNING: ASan doesn't fully support makecontext/swapcontext";
    if (const size_t at = outcome.err.find(kAsanContextWarning); at != std::string::npos) {
      const size_t begin = outcome.err.rfind('\n', at);
      const size_t end = outcome.err.find('\n', at);
      outcome.err.erase(begin == std::string::npos ? 0 : begin + 1,
                        end == std::string::npos ? std::string::npos : end - begin);
    }
    return outcome;
  }

  // Every line must be a JSON object, by our strict parser and by Python's.
  std::vector<JsonValue> Records(const std::string& jsonl) {
    std::vector<JsonValue> records;
    for (const std::string& line : testing::SplitLines(jsonl)) {
      std::optional<JsonValue> v = JsonParser::Parse(line);
      EXPECT_TRUE(v.has_value() && v->kind == JsonValue::Kind::kObject) << line;
      if (v) records.push_back(std::move(*v));
    }
    const std::string file = Path("check.jsonl");
    WriteFile(file, jsonl);
    const std::string cmd =
        "/usr/bin/python3 -c 'import json,sys\n"
        "for line in open(sys.argv[1], \"rb\"):\n"
        "    assert isinstance(json.loads(line), dict)' '" +
        file + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << "python3 json rejected the output";
    return records;
  }

  std::string dir_;
};

// Three messages in mboxo form, with folded, encoded and odd headers.
const char kMbox[] =
    "From alice@example.org Mon Jan  3 10:00:00 2022\n"
    "From: =?utf-8?q?Alice_M=C3=BCller?= <alice@example.org>\n"
    "To: bob@example.net\n"
    "Subject: =?UTF-8?B?R3LDvMOfZQ==?= aus\n"
    " Berlin\n"
    "Message-ID:\n"
    "  <first@example.org>  \n"
    "Date: Mon, 3 Jan 2022 11:00:00 +0100\n"
    "\n"
    "Hello.\n"
    "\n"
    "From bob@example.net Tue Jan  4 10:00:00 2022\n"
    "From: bob@example.net\n"
    "Subject: plain\n"
    "Date: the day after\n"
    "\n"
    "Second.\n"
    "\n"
    "From carol@example.com Wed Jan  5 10:00:00 2022\n"
    "From: carol@example.com\n"
    "this header line has no colon\n"
    "Message-ID: <third@example.com>\n"
    "\n"
    "Third.\n";

const char kEml[] =
    "From: dave@example.com\r\n"
    "Subject: =?iso-8859-1?q?caf=E9?=\r\n"
    "Message-ID: <eml@example.com>\r\n"
    "Date: 21 Nov 97 09:55:06 GMT\r\n"
    "\r\n"
    "Body.\r\n";

TEST_F(CliTest, ScanWritesOneCorrectRecordPerMessage) {
  WriteFile(Path("a.mbox"), kMbox);
  WriteFile(Path("d.eml"), kEml);
  Outcome o = Run({"scan", Path("a.mbox"), Path("d.eml")});
  EXPECT_EQ(o.status, 0) << o.err;
  std::vector<JsonValue> r = Records(o.out);
  ASSERT_EQ(r.size(), 4u) << o.out;

  EXPECT_EQ(r[0].Str("source"), Path("a.mbox"));
  EXPECT_EQ(r[0].Int("index"), 0);
  EXPECT_EQ(r[0].Int("offset"), 0);
  EXPECT_EQ(r[0].Str("message_id"), "<first@example.org>");
  EXPECT_EQ(r[0].Str("from"), "Alice M\xC3\xBCller <alice@example.org>");
  EXPECT_EQ(r[0].Str("subject"),
            "Gr\xC3\xBC\xC3\x9F"
            "e aus Berlin");
  EXPECT_EQ(r[0].Str("date"), "2022-01-03T10:00:00Z");
  EXPECT_FALSE(r[0].Has("error"));
  EXPECT_FALSE(r[0].Has("date_raw"));

  EXPECT_EQ(r[1].Int("index"), 1);
  EXPECT_EQ(r[1].Int("offset"), static_cast<int64_t>(std::string(kMbox).find("From bob")));
  EXPECT_TRUE(r[1].Get("message_id")->is_null());
  EXPECT_TRUE(r[1].Get("date")->is_null());
  EXPECT_EQ(r[1].Str("date_raw"), "the day after");

  EXPECT_EQ(r[2].Int("index"), 2);
  EXPECT_EQ(r[2].Str("message_id"), "<third@example.com>");
  EXPECT_TRUE(r[2].Get("subject")->is_null());
  EXPECT_NE(r[2].Str("error").find("header line without a colon"), std::string::npos);

  EXPECT_EQ(r[3].Str("source"), Path("d.eml"));
  EXPECT_EQ(r[3].Int("index"), 0);
  EXPECT_EQ(r[3].Int("size"), static_cast<int64_t>(sizeof kEml - 1));
  EXPECT_EQ(r[3].Str("subject"), "caf\xC3\xA9");
  EXPECT_EQ(r[3].Str("date"), "1997-11-21T09:55:06Z");

  // Not a terminal: no progress line, but the summary.
  EXPECT_EQ(o.err.find('\r'), std::string::npos);
  EXPECT_NE(o.err.find("mailverify: 4 messages"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("1 error"), std::string::npos) << o.err;
}

TEST_F(CliTest, UnreadableInputGivesRecordAndExitOne) {
  WriteFile(Path("d.eml"), kEml);
  Outcome o = Run({"scan", Path("missing.mbox"), Path("d.eml"), "--quiet"});
  EXPECT_EQ(o.status, 1);
  std::vector<JsonValue> r = Records(o.out);
  ASSERT_EQ(r.size(), 2u) << o.out;
  EXPECT_EQ(r[0].Str("source"), Path("missing.mbox"));
  ASSERT_TRUE(r[0].Has("input_error"));
  EXPECT_TRUE(r[0].Get("input_error")->boolean);
  EXPECT_FALSE(r[0].Str("error").empty());
  EXPECT_EQ(r[1].Str("message_id"), "<eml@example.com>");  // the rest is still processed
  EXPECT_NE(o.err.find("missing.mbox"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("messages,"), std::string::npos) << "--quiet prints no summary";
}

TEST_F(CliTest, OutputFileAndStdin) {
  WriteFile(Path("d.eml"), kEml);
  Outcome o = Run({"scan", "-q", "-o", Path("out.jsonl"), "-"}, Path("d.eml"));
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.err, "");
  std::vector<JsonValue> r = Records(ReadFile(Path("out.jsonl")));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].Str("source"), "-");
  EXPECT_EQ(r[0].Str("message_id"), "<eml@example.com>");
}

TEST_F(CliTest, OutputIsTheSameWithOneOrTwoThreads) {
  std::string mbox;
  for (int i = 0; i < 700; ++i) {
    mbox += "From sender@example.org Mon Jan  3 10:00:00 2022\n";
    mbox += "From: sender" + std::to_string(i % 17) + "@example.org\n";
    mbox += "Subject: =?utf-8?q?n=C2=B0_" + std::to_string(i) + "?=\n";
    mbox += "Message-ID: <" + std::to_string(i) + "@example.org>\n";
    mbox += "Date: " + std::to_string(1 + i % 28) + " Feb 2021 12:00:00 -0000\n\n";
    mbox += std::string(static_cast<size_t>(i % 300), 'x') + "\n\n";
  }
  WriteFile(Path("big.mbox"), mbox);
  Outcome one = Run({"scan", "--threads", "1", "-q", Path("big.mbox")});
  Outcome two = Run({"scan", "--threads=2", "-q", Path("big.mbox")});
  EXPECT_EQ(one.status, 0) << one.err;
  EXPECT_EQ(two.status, 0) << two.err;
  std::vector<JsonValue> r = Records(one.out);
  ASSERT_EQ(r.size(), 700u);
  for (int i = 0; i < 700; ++i) {
    ASSERT_EQ(r[i].Str("message_id"), "<" + std::to_string(i) + "@example.org>");
    ASSERT_EQ(r[i].Str("subject"), "n\xC2\xB0 " + std::to_string(i));
  }
  EXPECT_EQ(one.out, two.out);
}

TEST_F(CliTest, HelpVersionAndUsageErrors) {
  Outcome help = Run({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_EQ(help.out.rfind("Usage: mailverify scan", 0), 0u) << help.out;

  Outcome version = Run({"--version"});
  EXPECT_EQ(version.status, 0);
  // The version line first, then the commit, the build type and the libraries' run-time versions.
  EXPECT_EQ(version.out.rfind(std::string("mailverify ") + MV_VERSION + "\ncommit ", 0), 0u)
      << version.out;
  for (const char* library : {"\nopenssl ", "\nc-ares ", "\nldns ", "\nonetbb ", "\nlibsodium "}) {
    EXPECT_NE(version.out.find(library), std::string::npos) << library << " in " << version.out;
  }

  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {}, {"scan"}, {"scan", "x", "--no-such-option"}, {"verify", "x"}, {"scan", "-o"}}) {
    Outcome o = Run(args);
    EXPECT_EQ(o.status, 2) << o.err;
    EXPECT_EQ(o.out, "");
    EXPECT_NE(o.err.find("Try 'mailverify --help'"), std::string::npos) << o.err;
  }
}

TEST_F(CliTest, DirectoriesAndCompressedArchives) {
  ASSERT_EQ(mkdir(Path("mail").c_str(), 0755), 0);
  WriteFile(Path("mail/2.eml"), kEml);
  WriteFile(Path("mail/1.eml"),
            std::string(kEml).replace(std::string(kEml).find("<eml@"), 5, "<one@"));
  WriteFile(Path("a.mbox"), kMbox);
  ASSERT_EQ(std::system(("gzip -n '" + Path("a.mbox") + "'").c_str()), 0);
  Outcome o = Run({"scan", "-q", Path("mail"), Path("a.mbox.gz")});
  EXPECT_EQ(o.status, 0) << o.err;
  std::vector<JsonValue> r = Records(o.out);
  ASSERT_EQ(r.size(), 5u) << o.out;
  EXPECT_EQ(r[0].Str("message_id"), "<one@example.com>");  // directories are read in sorted order
  EXPECT_EQ(r[1].Str("message_id"), "<eml@example.com>");
  EXPECT_EQ(r[2].Str("message_id"), "<first@example.org>");
  EXPECT_EQ(r[2].Str("source"), Path("a.mbox.gz"));
  EXPECT_EQ(r[4].Str("message_id"), "<third@example.com>");
}

TEST_F(CliTest, UnwritableOutputFailsWithStatusOne) {
  WriteFile(Path("d.eml"), kEml);
  Outcome o = Run({"scan", "-o", Path("no-such-dir/out.jsonl"), Path("d.eml")});
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.err.find("cannot open"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace mv
