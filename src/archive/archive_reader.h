// ArchiveReader: turns a list of inputs (mbox files, Maildir trees, .eml files, directories, stdin,
// any of them gzip/xz/zstd/bzip2 compressed) into one ordered stream of RawMessages. Inputs are
// read in the order given (directories in sorted order), one message at a time, with memory bounded
// independently of the archive size. A failing input never stops the stream: it yields a RawMessage
// with `input_error` set and the reader moves on to the next input.
//
// Formats are detected by content, never by name: gzip/xz/zstd/bzip2 by magic bytes, then an mbox
// when the (decompressed) data starts with "From ", an Apple Mail .emlx when it starts with a
// byte-count line (emlx_reader.h), otherwise a single message. Directories are recognised by
// their layout (directory_walker.h): a Maildir (cur/ and new/: its cur/ then new/ files, then its
// Maildir++ subfolders, each in byte order; tmp/ and other files are ignored, and each file is one
// message), an MH folder (numbered files in numeric order), a Thunderbird folder (.msf indexes
// skipped), an Apple Mail store (Attachments/ read through the .partial.emlx files). Any other
// directory is walked recursively in byte order of names; names starting with '.' are skipped and
// symbolic links to directories are not followed. A single-message file that starts with an mbox
// "From " line (some delivery agents write one) is handed on without it. Every message's
// provenance names its store (source_format, folder, mime; raw_message.h).
//
// Errors: an unreadable path is one input_error record ("path: reason"). A truncated or corrupt
// compressed stream, or a read error, yields the messages completed before the damage, then one
// input_error record ("path: truncated gzip stream after N bytes of output (the message at offset
// X is incomplete and is not handed on)"), then the next input. A message larger than
// ArchiveOptions::max_message_size is a record with read_error set and empty bytes. A regular
// uncompressed mbox is mapped rather than read (ArchiveOptions::map_files): one that shrinks while
// it is read ends with such an input_error record ("file shrank from N to M bytes while being
// read"), but a truncation that races with a message still in use raises SIGBUS
// (mapped_window.h).
//
// mbox conventions (see ArchiveOptions for the dialects): a message starts after a "From " line
// that is at the start of the file (after a UTF-8 byte order mark, if any), follows an empty
// line, or looks like a postmark wherever it stands ("From - ...", "From sender <asctime date>";
// mbox_postmark.h, which says why); that "From " line is not part of the
// message, and neither is the one empty line (LF or CRLF) in front of the next "From " line or at
// the end of the file, which the mbox writer added (as Python's mailbox and mutt read it).
// Provenance: `offset` is where the "From " line starts, `size` the stored bytes after it (before
// un-quoting, without the separating empty line).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "archive/archive_options.h"
#include "message/raw_message.h"

namespace mv {

// One unit of work: a path, or a byte range of an uncompressed mbox (for scale-out shards, where
// `first_index` numbers the messages as a whole-file read would). A path of "-" is stdin.
// A range holds the messages whose "From " line starts in [begin, end): it starts at the first
// separator at or after `begin` and runs past `end` to the end of its last message, so ranges that
// tile a file yield exactly the messages of a whole-file read. Ranges also work on compressed or
// piped mboxes (offsets are then in the decompressed stream, and the bytes before `begin` are read
// and dropped). On a single-message file a range yields the message when begin is 0; on a
// directory begin/end are ignored. Tiling is exact whenever separators are unambiguous (mboxrd,
// mboxo); a range boundary inside an mboxcl2 body that holds an unquoted "From " line after an
// empty line starts a message there, since a range cannot see the Content-Length before it.
struct InputSpec {
  std::string path;
  uint64_t begin = 0;
  uint64_t end = UINT64_MAX;
  uint64_t first_index = 0;
};

struct ArchiveStats {
  uint64_t messages = 0;      // records that stand for a message (including oversized ones)
  uint64_t bytes = 0;         // bytes of message data handed on
  uint64_t input_errors = 0;  // inputs that failed, wholly or part-way (input_error records)
};

class ArchiveReader {
 public:
  explicit ArchiveReader(std::vector<InputSpec> inputs, ArchiveOptions options = {});
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  // Produces the next message in input order; returns false at the end of the last input. `out` may
  // be reused between calls (its strings keep their capacity).
  bool Next(RawMessage* out);

  const ArchiveStats& stats() const;
  // Every input that failed, with its reason ("path: reason"), for stderr and the exit status.
  const std::vector<std::string>& failed_inputs() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mv
