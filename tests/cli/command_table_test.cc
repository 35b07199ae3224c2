// Tests of the command table and what is generated from it: every option belongs to a command,
// each command's help lists exactly its options, the enumerated values are ones the parser takes,
// and the progress mode follows the terminal conventions.
#include "cli/command_table.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <sstream>
#include <string>

#include "cli/command_help.h"
#include "cli/options.h"
#include "cli/terminal.h"

namespace mv {
namespace {

// The long names on the option lines of a help text ("  -o, --output FILE   ...",
// "      --threads N   ...").
std::set<std::string> OptionsInHelp(const std::string& help) {
  std::set<std::string> names;
  std::istringstream lines(help.substr(help.find("Options")));
  for (std::string line; std::getline(lines, line);) {
    // Option lines are indented and start with the option; wrapped help lines start with text.
    const size_t first = line.find_first_not_of(' ');
    if (first == 0 || first == std::string::npos || line[first] != '-') continue;
    const size_t start = line.find("--");
    if (start == std::string::npos) continue;
    const size_t end = line.find(' ', start);
    names.insert(line.substr(start + 2, end == std::string::npos ? end : end - start - 2));
  }
  return names;
}

std::set<std::string> Expected(const CommandSpec& command) {
  std::set<std::string> names(command.options.begin(), command.options.end());
  names.insert("help");
  names.insert("version");
  return names;
}

TEST(CommandTable, EveryOptionBelongsToACommandAndEveryNameIsAnOption) {
  std::set<std::string> used(GlobalOptionNames().begin(), GlobalOptionNames().end());
  for (const CommandSpec& command : Commands()) {
    std::set<std::string> seen;
    for (const char* name : command.options) {
      EXPECT_NE(FindOptionSpec(name), nullptr) << command.name << " names unknown --" << name;
      EXPECT_TRUE(seen.insert(name).second) << command.name << " names --" << name << " twice";
      used.insert(name);
    }
  }
  size_t options = 0;
  ForEachOptionSpec([&](const OptionSpec& spec) {
    ++options;
    EXPECT_TRUE(used.count(spec.name)) << "--" << spec.name << " is in no command's option list";
  });
  EXPECT_GT(options, 50u);
}

TEST(CommandTable, EveryCommandWordParses) {
  for (const CommandSpec& command : Commands()) {
    std::vector<std::string_view> args{command.name, "--help"};
    Result<Options> r = ParseOptions(args);
    ASSERT_TRUE(r.ok()) << command.name << ": " << r.error();
    EXPECT_EQ(r->command, Options::Command::kHelp);
    EXPECT_EQ(r->command_word, command.name);
  }
}

TEST(CommandTable, ChoicesAreAcceptedByTheOptionAndOthersAreNot) {
  size_t with_choices = 0;
  ForEachOptionSpec([&](const OptionSpec& spec) {
    if (spec.choices == nullptr) return;
    ++with_choices;
    std::istringstream words(spec.choices);
    for (std::string word; words >> word;) {
      Options options;
      EXPECT_TRUE(spec.apply(word, &options).ok()) << "--" << spec.name << " " << word;
    }
    Options options;
    EXPECT_FALSE(spec.apply("no-such-value", &options).ok()) << "--" << spec.name;
  });
  EXPECT_EQ(with_choices, 4u);  // --format, --at, --dmarc-rules, --mbox-format
  EXPECT_STREQ(FindOptionSpec("dmarc-rules")->choices, "auto rfc9989 rfc7489");
}

TEST(CommandHelp, EachCommandListsExactlyItsOptions) {
  for (const CommandSpec& command : Commands()) {
    const std::string help = CommandHelpText(command);
    EXPECT_EQ(help.rfind(std::string("Usage: mailverify ") + command.name, 0), 0u) << help;
    EXPECT_EQ(OptionsInHelp(help), Expected(command)) << help;
  }
}

TEST(CommandHelp, ScanAndBundleHelpDiffer) {
  const std::string scan = CommandHelpText(*FindCommand("scan"));
  EXPECT_NE(scan.find("--dns-zone FILE"), std::string::npos);
  EXPECT_NE(scan.find("--html FILE"), std::string::npos);
  EXPECT_NE(scan.find("answer DNS offline from this master file"), std::string::npos);
  EXPECT_EQ(scan.find("--pubkey"), std::string::npos);
  EXPECT_EQ(scan.find("--tasks"), std::string::npos);
  const std::string bundle = CommandHelpText(*FindCommand("bundle"));
  EXPECT_NE(bundle.find("--pubkey FILE"), std::string::npos);
  EXPECT_NE(bundle.find("bundle timestamp-request DIR"), std::string::npos);
  EXPECT_EQ(bundle.find("--html"), std::string::npos);
  EXPECT_EQ(FindCommand("no-such-command"), nullptr);
}

TEST(CommandHelp, TopLevelHelpListsEveryCommandAndOption) {
  const std::string help = HelpText();
  for (const CommandSpec& command : Commands()) {
    EXPECT_NE(help.find(std::string("\n  ") + command.name + " "), std::string::npos)
        << command.name;
  }
  std::set<std::string> all;
  ForEachOptionSpec([&](const OptionSpec& spec) { all.insert(spec.name); });
  EXPECT_EQ(OptionsInHelp(help), all);
}

TEST(ParseOptions, HelpForACommand) {
  std::vector<std::string_view> after{"scan", "a.mbox", "--help"};
  Result<Options> r = ParseOptions(after);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->command, Options::Command::kHelp);
  EXPECT_EQ(r->command_word, "scan");
  std::vector<std::string_view> word{"help", "bundle"};
  r = ParseOptions(word);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->command, Options::Command::kHelp);
  EXPECT_EQ(r->command_word, "help");
  EXPECT_EQ(r->inputs, (std::vector<std::string>{"bundle"}));
  std::vector<std::string_view> completion{"completion", "bash"};
  r = ParseOptions(completion);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->command, Options::Command::kCompletion);
}

// A dumb terminal cannot erase a line, so it gets what a pipe gets whether or not stderr is a TTY.
TEST(Terminal, DumbTerminalGetsNoRedrawnLine) {
  const char* old = std::getenv("TERM");
  const std::string saved = old != nullptr ? old : "";
  setenv("TERM", "dumb", 1);
  EXPECT_FALSE(StderrIsInteractiveTerminal());
  EXPECT_EQ(ChooseProgressMode(false, false), ProgressLine::Mode::kOff);
  EXPECT_EQ(ChooseProgressMode(false, true), ProgressLine::Mode::kPlain);
  EXPECT_EQ(ChooseProgressMode(true, true), ProgressLine::Mode::kOff);
  if (old != nullptr) {
    setenv("TERM", saved.c_str(), 1);
  } else {
    unsetenv("TERM");
  }
}

}  // namespace
}  // namespace mv
