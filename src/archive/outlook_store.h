// OutlookStore: recognises Outlook's own files by their magic bytes — a PST or OST (`!BDN` with the
// client magic SM or SO) and an .msg (a Compound File Binary, D0 CF 11 E0 A1 B1 1A E1) — and opens
// the reader that turns one into messages. Names are never looked at, as for every other format.
// An Outlook for Mac archive (.olm) is recognised too, only to say why it cannot be verified
// (olm_archive.h).
//
// Every message such a store yields is the header block Outlook kept (see transport_headers.h) with
// provenance.mime "headers-only" (or "original" for an S/MIME signed item whose signed entity was
// kept), source_format pst, ost or msg, and the store's folder and delivery time. Only regular
// files are read this way: libpff and libolecf need to seek, so a compressed PST or one on stdin is
// read as a single message (and fails to parse as one).
#pragma once

#include <memory>
#include <string>

#include "archive/archive_options.h"
#include "message/raw_message.h"

namespace mv {

enum class OutlookStoreKind { kNone, kPst, kOst, kMsg, kOlm };

// Reads the first bytes of `path`; kNone when it cannot be read or is something else.
OutlookStoreKind DetectOutlookStore(const std::string& path);

// One Outlook file's messages, in store order, then false. Failures are records, never exceptions:
// an unreadable store is one input_error record, an unreadable item a record with read_error.
class OutlookStoreReader {
 public:
  virtual ~OutlookStoreReader() = default;
  virtual bool Next(RawMessage* out) = 0;
};

// The reader for `path` when it is an Outlook store, else null.
std::unique_ptr<OutlookStoreReader> OpenOutlookStore(const std::string& path,
                                                     const ArchiveOptions& options);

// Fills `out` with `bytes` (moved into a buffer the message owns) and `provenance`.
void SetStoreMessage(std::string bytes, Provenance provenance, RawMessage* out);

}  // namespace mv
