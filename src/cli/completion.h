// Shell completion for mailverify, generated from the command and option tables so a new option or
// command completes without anyone editing a script: `mailverify completion bash` prints it, and
// the build writes it to share/bash-completion/completions/mailverify for installing.
#pragma once

#include <string>

#include "cli/options.h"

namespace mv {

// The bash script: defines _mailverify and registers it with `complete -F` for mailverify.
std::string BashCompletionScript();

// `mailverify completion bash [-o FILE]`. Returns the exit status (2: no or an unknown shell).
int RunCompletion(const Options& options);

}  // namespace mv
