// The `scan` command: reads the inputs through the pipeline and writes one record per message.
#pragma once

#include "cli/options.h"

namespace mv {

// Runs a scan and returns the process exit status (0 all inputs read, 1 an input could not be read
// or the output could not be written).
int RunScan(const Options& options);

}  // namespace mv
