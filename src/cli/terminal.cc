#include "cli/terminal.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace mv {

bool StderrIsInteractiveTerminal() {
  if (isatty(STDERR_FILENO) == 0) return false;
  const char* term = std::getenv("TERM");
  // A dumb terminal cannot erase a line, so "\r\033[K" would leave escape codes in it.
  return term == nullptr || std::string_view(term) != "dumb";
}

ProgressLine::Mode ChooseProgressMode(bool quiet, bool forced) {
  if (quiet) return ProgressLine::Mode::kOff;
  if (StderrIsInteractiveTerminal()) return ProgressLine::Mode::kTerminal;
  return forced ? ProgressLine::Mode::kPlain : ProgressLine::Mode::kOff;
}

}  // namespace mv
