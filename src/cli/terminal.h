// Terminal conventions for what mailverify writes to stderr while it runs: a progress line redrawn
// in place only on a terminal that understands cursor control (a TTY whose TERM is not "dumb");
// plain progress lines only when asked for (--progress); nothing otherwise. mailverify writes no
// colour, so NO_COLOR (https://no-color.org) needs no handling; docs/mailverify.1 says so.
#pragma once

#include "cli/progress_line.h"

namespace mv {

// True when stderr is a TTY and TERM is not "dumb" (Emacs shell buffers, some CI log viewers).
bool StderrIsInteractiveTerminal();

// The progress mode of a run: off with --quiet; redrawn on an interactive terminal; plain lines
// every few seconds when `forced` (--progress); else off.
ProgressLine::Mode ChooseProgressMode(bool quiet, bool forced);

}  // namespace mv
