// InputSize: the total size of a scan's inputs, measured before the run so the progress line can
// show a percentage and an ETA. It is only exact for stored (uncompressed) files: compressed
// inputs and stdin make it unknown, because progress is counted in message bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mv {

struct InputSize {
  uint64_t bytes = 0;
  bool known = true;  // false when an input is stdin or compressed
};

// Sums the sizes of the files named (directories recursively). Compression is recognised by the
// magic bytes of a named file, and by the extension for files found inside a directory, so that a
// Maildir of a million messages costs one stat per file and no reads.
InputSize MeasureInputs(const std::vector<std::string>& paths);

}  // namespace mv
