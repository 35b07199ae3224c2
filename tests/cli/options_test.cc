#include "cli/options.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

Result<Options> Parse(std::vector<std::string_view> args) {
  return ParseOptions(args);
}

TEST(ParseOptions, ScanWithPathsAndOptionsAnywhere) {
  Result<Options> r = Parse({"scan", "-o", "out.jsonl", "a.mbox", "--threads", "3", "b", "-q"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->command, Options::Command::kScan);
  EXPECT_EQ(r->inputs, (std::vector<std::string>{"a.mbox", "b"}));
  EXPECT_EQ(r->output, "out.jsonl");
  EXPECT_EQ(r->threads, 3);
  EXPECT_TRUE(r->quiet);
}

TEST(ParseOptions, InlineValuesStdinAndDoubleDash) {
  Result<Options> r = Parse({"--threads=2", "scan", "-oout", "-", "--", "-weird-name", "--quiet"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->threads, 2);
  EXPECT_EQ(r->output, "out");
  EXPECT_EQ(r->inputs, (std::vector<std::string>{"-", "-weird-name", "--quiet"}));
  EXPECT_FALSE(r->quiet);
}

TEST(ParseOptions, DefaultsWhenNoOptionsGiven) {
  Result<Options> r = Parse({"scan", "x"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->threads, 0);
  EXPECT_EQ(r->output, "");
  EXPECT_FALSE(r->quiet);
}

TEST(ParseOptions, HelpAndVersionNeedNoCommand) {
  EXPECT_EQ(Parse({"--help"})->command, Options::Command::kHelp);
  EXPECT_EQ(Parse({"-h"})->command, Options::Command::kHelp);
  EXPECT_EQ(Parse({"scan", "--help"})->command, Options::Command::kHelp);
  EXPECT_EQ(Parse({"--version"})->command, Options::Command::kVersion);
}

TEST(ParseOptions, UsageErrorsSayWhatIsWrong) {
  const struct {
    std::vector<std::string_view> args;
    const char* error;
  } kCases[] = {
      {{}, "no command given"},
      {{"frobnicate", "x"}, "unknown command 'frobnicate'"},
      {{"scan"}, "scan needs at least one PATH (\"-\" for stdin)"},
      {{"scan", "x", "--bogus"}, "unknown option --bogus"},
      {{"scan", "x", "-z"}, "unknown option -z"},
      {{"scan", "x", "-o"}, "option --output needs a value (FILE)"},
      {{"scan", "x", "--quiet=yes"}, "option --quiet takes no value"},
      {{"scan", "x", "-qq"}, "option -q takes no value"},
      {{"scan", "x", "--threads", "0"}, "--threads wants a whole number from 1 to 4096, not '0'"},
      {{"scan", "x", "--threads=2x"}, "--threads wants a whole number from 1 to 4096, not '2x'"},
      {{"scan", "x", "--threads="}, "--threads wants a whole number from 1 to 4096, not ''"},
  };
  for (const auto& c : kCases) {
    Result<Options> r = Parse(c.args);
    ASSERT_FALSE(r.ok()) << c.error;
    EXPECT_EQ(r.error(), c.error);
  }
}

TEST(HelpText, ListsEveryOption) {
  const std::string help = HelpText();
  for (const char* needle :
       {"Usage: mailverify scan [OPTIONS] PATH...", "-o, --output FILE", "--threads N",
        "-q, --quiet", "-h, --help", "--version", "Exit status"}) {
    EXPECT_NE(help.find(needle), std::string::npos) << needle;
  }
}

}  // namespace
}  // namespace mv
