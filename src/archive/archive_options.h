// ArchiveOptions: how an ArchiveReader interprets its inputs — which mbox dialect to assume, how
// big its read chunks are, and the largest message it will hold in memory.
#pragma once

#include <cstddef>

namespace mv {

// How message boundaries and "From " quoting in an mbox are read.
//  kAuto    (default) separators are "From " lines after an empty line or that look like a
//           postmark (mbox_postmark.h); a message whose
//           Content-Length header makes its body end exactly on the next "From " line (or on EOF)
//           is cut there and handed on as stored (mboxcl2); any other message is un-quoted the
//           mboxrd way (a line /^>+From / loses one '>'). A Content-Length that matches the stored
//           body also means nothing was quoted, so such a message is not un-quoted either.
//  kMboxrd  Content-Length is ignored; every message is un-quoted the mboxrd way.
//  kMboxo   Content-Length is ignored; nothing is un-quoted (mboxo quoting cannot be undone:
//           ">From " may have been "From " or ">From " when delivered).
//  kMboxcl2 Content-Length is honoured when it lands on a "From " line or EOF, otherwise the
//           separator rule applies; nothing is un-quoted (mboxcl2 does not quote).
enum class MboxVariant { kAuto, kMboxrd, kMboxo, kMboxcl2 };

// How a file (after decompression) is classified.
//  kAuto  an mbox when it starts with "From ", otherwise one message (.eml).
//  kMbox  always an mbox; bytes before the first separator are reported as an input error.
//  kEml   always one message.
enum class FileFormat { kAuto, kMbox, kEml };

struct ArchiveOptions {
  MboxVariant mbox_variant = MboxVariant::kAuto;
  FileFormat file_format = FileFormat::kAuto;
  // Bytes read from an input at a time. Each message is a view into one such chunk. Memory does
  // not depend on the archive size: the reader holds one chunk (refilled in place when nothing
  // downstream still refers to it), and every chunk a message in flight points into stays alive,
  // so the bound is about chunk_size x (chunks spanned by the messages in flight + 1). Measured on
  // a 2 GB mbox of ~7 KB messages (bench_archive --rss): 12 MB peak RSS holding no message,
  // 21 MB holding the last 1024, 130 MB holding the last 16384.
  size_t chunk_size = size_t{8} << 20;
  // An uncompressed mbox that is a regular file is mapped (mmap) a window of about chunk_size at a
  // time instead of being copied into chunks with read(2): messages are views into the page cache
  // and the same bound holds, since a window is unmapped when no message points into it any more.
  // A file another program truncates while its mapped bytes are in use (mutt, for one, rewrites
  // and truncates an mbox in place) does not end the process: see mapped_window.h. False reads
  // every input with read(2) (--no-mmap; tests compare the two paths).
  bool map_files = true;
  // A mapped window at least this long is scanned for separator candidates by all threads at
  // once (line_start_index.h) instead of by the reader alone. 0 indexes every window (tests
  // compare both ways), SIZE_MAX none. Windows only exist for mapped files (map_files).
  size_t index_windows_from = size_t{1} << 20;
  // A message (or single-message file) larger than this is not held in memory: it is skipped and
  // handed on as a record with `read_error` set and empty bytes. A message longer than a chunk
  // gets its own buffer, grown by doubling up to max_message_size + chunk_size / 4, so the peak
  // for one huge message is about 2x its size (100 MB line, then a 300 MB one: 268 MB peak RSS).
  size_t max_message_size = size_t{256} << 20;
  // Descriptor read for the input path "-" (stdin by default; tests pass a pipe).
  int stdin_fd = 0;
};

}  // namespace mv
