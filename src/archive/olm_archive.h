// OlmArchive: recognises an Outlook for Mac archive (.olm) and says why it is not verified.
//
// An .olm is a ZIP archive of XML files (Local/com.microsoft.__Messages/<folder>/message_N.xml).
// Each message's XML holds fields Outlook parsed (subject, addresses, sent time, plain and HTML
// body) but neither the internet header block nor the MIME as received, so no DKIM signature,
// Received field or Authentication-Results is left to check. Reading it as one message would
// give a meaningless record ("NUL byte in header field"); instead the file is one input error
// that says so. Recognised by content, not by name: a ZIP local header at offset 0 and an entry
// name with "com.microsoft.__" in the archive's last MiB, where the central directory is.
#pragma once

#include <string>

#include "archive/outlook_store.h"

namespace mv {

// Whether `path` is an Outlook for Mac archive.
bool IsOlmArchive(const std::string& path);

// Yields one input_error record (source_format "olm") for the archive, then false.
class OlmArchiveReader : public OutlookStoreReader {
 public:
  explicit OlmArchiveReader(std::string path) : path_(std::move(path)) {}
  bool Next(RawMessage* out) override;

 private:
  std::string path_;
  bool done_ = false;
};

}  // namespace mv
