// CommandTable: the commands of the mailverify executable, each with its usage lines, a one-line
// summary, its subcommands and the names of the options it takes. Per-command help and the shell
// completion are both generated from it and from the option table (option_spec.h), so a command or
// an option is described once.
#pragma once

#include <span>
#include <string_view>

#include "cli/option_spec.h"

namespace mv {

struct CommandSpec {
  const char* name;
  const char* usage;        // usage lines without "mailverify ", separated by '\n'
  const char* summary;      // one sentence for the command list
  const char* subcommands;  // space-separated words expected first (keys, bundle), or ""
  // What the positional arguments are, for completion: files (and directories), directories only,
  // command names (help), shell names (completion) or nothing completable (domains).
  enum class Operands { kNone, kFiles, kDirectories, kCommands, kShells };
  Operands operands;
  std::span<const char* const> options;  // long names; --help and --version are implied
};

// Every command, in the order of the top-level help.
std::span<const CommandSpec> Commands();
const CommandSpec* FindCommand(std::string_view name);

// The options every command (and no command) takes: --help and --version.
std::span<const char* const> GlobalOptionNames();

// Every option of the executable: the general table and the feature tables after it.
const OptionSpec* FindOptionSpec(std::string_view long_name);
template <class Visit>
void ForEachOptionSpec(Visit visit) {
  for (const OptionSpec& spec : GeneralOptionSpecs()) visit(spec);
  for (const OptionSpec& spec : EvidenceOptionSpecs()) visit(spec);
}

}  // namespace mv
