// Durable files: the few file operations the evidence writer needs to leave either a whole bag or
// none — write and fsync, copy and fsync (hashing on the way), fsync a directory, atomic replace.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace mv {

// Creates (or truncates) `path` with `bytes` and fsyncs it.
Status WriteFileSynced(const std::string& path, std::string_view bytes);

// Writes `bytes` to a temporary file beside `path`, fsyncs it, renames it over `path` and fsyncs
// the directory: a reader sees the old file or the new one, never a part.
Status ReplaceFileAtomically(const std::string& path, std::string_view bytes);

// Copies `from` to `to` (created, 0644) in 1 MiB blocks, fsyncs it; returns the hex SHA-256 of the
// bytes copied, computed on the same pass.
Result<std::string> CopyFileSynced(const std::string& from, const std::string& to);

// fsync of a file or directory by path.
Status SyncPath(const std::string& path);

Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace mv
