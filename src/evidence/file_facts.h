// FileFacts: what the manifest says about a file the run read or wrote — its path, size,
// modification time and SHA-256 — so a later reader can tell whether it still has the same bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace mv {

struct FileFacts {
  std::string path;
  uint64_t size = 0;
  int64_t mtime_ns = 0;  // nanoseconds since the epoch, UTC
  std::string sha256;    // hex; empty when the bytes could not be read (then `error` says why)
  std::string error;
  // The size or mtime differed between the scan's start and the hashing: the file changed while
  // the run read it, so its hash may not be of the bytes verified.
  bool changed_during_run = false;
};

// The facts of `path` without its hash (stat only); an input directory gives every regular file
// under it, recursively, in sorted order; "-" (stdin) gives one entry with an error.
std::vector<FileFacts> StatInput(const std::string& path);

// Hashes each entry (a second read of the file; after a scan the page cache usually serves it) and
// marks those whose size or mtime changed since `StatInput`.
void HashFacts(std::vector<FileFacts>* facts);

// Stat and hash of one file the run used (a zone, a key file, the results).
FileFacts FactsOfFile(const std::string& path);

}  // namespace mv
