// Help text generated from the command and option tables: one option's help lines, the command
// list of the top-level --help, and the help of one command (`mailverify scan --help`,
// `mailverify help scan`), which lists only the options that command takes.
#pragma once

#include <string>

#include "cli/command_table.h"
#include "cli/options.h"

namespace mv {

// "  -o, --output FILE       write the records ..." wrapped at 100 columns.
void AppendOptionHelp(const OptionSpec& spec, std::string* text);

// "Commands:" and one line per command, for the top-level --help.
std::string CommandListText();

// The usage, summary and options of one command.
std::string CommandHelpText(const CommandSpec& command);

// Prints the help asked for (top-level, or of the command named before --help or after `help`) to
// stdout. Returns the exit status: 0, or 2 for an unknown command.
int RunHelp(const Options& options);

}  // namespace mv
