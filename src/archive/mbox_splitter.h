// MboxSplitter: cuts a byte stream in mbox format into messages without copying them. The stream is
// either read in chunks (ArchiveOptions::chunk_size) into reference-counted buffers, or, for a
// regular uncompressed file, mapped a window of about that size at a time (MappedWindow); each
// message handed on is a view into one buffer or window and keeps it alive. A message that runs
// past the end of a chunk is moved to the front of the next buffer (grown when one message fills
// it); past the end of a window, the next window is mapped from the message's start (and doubled
// while one message fills it). mboxrd un-quoting is done in place in a read buffer, and into a
// private copy of that one message when it lies in a (read-only) window, so the common case costs
// one pass over the bytes and no per-message allocation.
//
// Boundary rules (see archive_reader.h): a separator is a "From " line at offset 0 (after a UTF-8
// byte order mark, if any), after an empty line, or anywhere when it looks like a postmark
// (mbox_postmark.h); the separator line and the one empty line before the next separator (or
// before EOF) are not part of a message. ArchiveOptions::mbox_variant decides Content-Length
// handling and un-quoting.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "archive/archive_options.h"
#include "archive/byte_source.h"
#include "archive/line_start_index.h"
#include "message/raw_message.h"

namespace mv {

class MboxSplitter {
 public:
  enum class Event {
    kMessage,     // a message (read_error set, bytes empty, when it exceeded max_message_size)
    kInputError,  // input_error record: unreadable/corrupt stream, or bytes before the first "From
                  // "
    kEnd,
  };

  // `head`: the first bytes of the stream, already read by the caller to detect the format.
  // Messages whose "From " line starts in [begin, end) are produced.
  MboxSplitter(ByteSource* source, const ArchiveOptions& options, std::string_view head,
               uint64_t begin = 0, uint64_t end = UINT64_MAX);
  // Maps the regular file `fd` (not owned; it must outlive the splitter) instead of reading it.
  // `file_size` is its size when it was opened: bytes appended later are not read, and a file
  // that shrinks is a read error once the next window would reach past its new end (see
  // mapped_window.h for a truncation while a window is in use).
  MboxSplitter(int fd, uint64_t file_size, const ArchiveOptions& options, uint64_t begin = 0,
               uint64_t end = UINT64_MAX);

  // Sets out's buffer, bytes, provenance offset/size, read_error and input_error; the caller owns
  // provenance source and index. After an input error the stream may go on (leading junk) or end.
  Event Next(RawMessage* out);

 private:
  enum class State { kFindFirst, kAtSeparator, kFinished };
  static constexpr uint64_t kNone = UINT64_MAX;

  const char* At(uint64_t abs) const { return data_ + (abs - base_); }
  char* Mutable(uint64_t abs) const { return buf_.get() + (abs - base_); }  // read buffers only
  uint64_t Abs(const char* p) const { return base_ + static_cast<uint64_t>(p - data_); }
  uint64_t End() const { return base_ + len_; }
  bool mapped() const { return map_fd_ >= 0; }
  bool LineIsEmpty(uint64_t newline) const;
  // The first line feed in [scan, End() - 1) followed by 'F' (or '>' too, when `quotes`) that
  // can start a separator or a quoted "From " line: from the window's LineStartIndex when it has
  // one, else by scanning.
  const char* FindCandidate(uint64_t scan, bool quotes) const;
  enum class Separator { kYes, kNo, kNeedMore };
  // Whether the "From " line after the line feed at `newline` starts a message (mbox_postmark.h);
  // kNeedMore when the line runs past the visible bytes.
  Separator SeparatorAt(uint64_t newline) const;
  // Makes the bytes from keep_from on (and more) visible; false when nothing new came.
  bool Fill(uint64_t keep_from) { return mapped() ? MapWindow(keep_from) : ReadChunk(keep_from); }
  bool ReadChunk(uint64_t keep_from);
  bool MapWindow(uint64_t keep_from);
  void HandOn(uint64_t hdr, uint64_t end_msg, RawMessage* out);
  bool FindFirst(RawMessage* out, Event* event);
  Event CutMessage(RawMessage* out);
  void HonourContentLength(uint64_t msg, uint64_t hdr, uint64_t* end_msg, uint64_t* next);
  Event InputError(RawMessage* out, uint64_t offset, uint64_t size, std::string reason);

  ByteSource* source_ = nullptr;
  int map_fd_ = -1;
  uint64_t file_size_ = 0;  // of the mapped file
  ArchiveOptions options_;
  uint64_t begin_;
  uint64_t end_;
  const char* data_ = nullptr;  // the visible bytes: buf_ or window_
  std::shared_ptr<char[]> buf_;
  std::shared_ptr<const char> window_;
  size_t cap_ = 0;
  size_t len_ = 0;
  uint64_t base_ = 0;  // stream offset of data_[0]
  bool eof_ = false;
  Status error_;  // why the stream ended early, if it did
  State state_ = State::kFindFirst;
  uint64_t pos_ = 0;              // stream offset of the next separator's "From "
  std::vector<uint64_t> quotes_;  // stream offsets of the '>' to drop (mboxrd), reused
  LineStartIndex index_;          // of the mapped window, when indexed_
  bool indexed_ = false;
};

// Parses the Content-Length header of the header block at the start of `message`. On success sets
// *length and *body_offset (where the body starts, after the empty line) and returns true.
bool FindContentLength(std::string_view message, uint64_t* length, size_t* body_offset);

}  // namespace mv
