// Command-line options of the mailverify executable. Parsing is table-driven (see options.cc): an
// option is one table entry naming it, its value, its help line and how it sets Options, so adding
// one never touches the parsing loop.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mv {

struct Options {
  enum class Command { kScan, kHelp, kVersion };
  Command command = Command::kScan;
  std::vector<std::string> inputs;  // paths; "-" is stdin
  std::string output;               // empty: stdout
  int threads = 0;                  // 0: one per core
  bool quiet = false;               // no progress line, no summary
};

// Parses the arguments after the program name. A usage error is returned as a Status whose message
// says what is wrong (the caller prints it with a pointer to --help and exits with status 2).
Result<Options> ParseOptions(std::span<const std::string_view> args);

// The text printed by --help.
std::string HelpText();

}  // namespace mv
