// MappedWindow: one byte range of a regular file mapped read-only into memory, so the mbox splitter
// can hand on messages as views into the page cache instead of copying the file through read(2).
// The mapping lives as long as a shared_ptr to it (the splitter's, and each message's
// RawMessage::buffer) and is unmapped when the last one lets go, so mapped memory stays bounded by
// the windows that messages in flight still point into.
//
// A mapping reflects the file as it is now: if the file is truncated while a window is mapped, a
// later access to a page past the new end raises SIGBUS (the kernel's rule for every shared file
// mapping; there is no way to map a snapshot). Readers that map a file take its size once when
// they open it and re-check it before each new window, so a file that shrank between windows is a
// read error. For a truncation that races with a window in use, the first MapFileRange installs a
// SIGBUS handler: a fault inside a live window replaces the vanished pages with zero pages and
// marks the window damaged, so the read goes on (seeing zeros) and MappedBytesDamaged lets the
// pipeline report every message that pointed there. A SIGBUS anywhere else keeps its former
// action.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "util/status.h"

namespace mv {

// Maps [offset, offset + length) of `fd` (a regular file at least that long). The pointer is to the
// byte at `offset`.
Result<std::shared_ptr<const char>> MapFileRange(int fd, uint64_t offset, size_t length);

// True when `p` points into a live window whose file was truncated under it (its bytes past the
// cut now read as zeros). Cheap while no window was ever damaged: one atomic load.
bool MappedBytesDamaged(const void* p);

// Windows currently mapped by this process (all files and readers): lets tests check that windows
// are released once no message refers to them.
uint64_t LiveMappedWindows();

}  // namespace mv
