// HeaderIndex: a zero-copy index of a message's header fields over its raw bytes. Nothing is decoded
// or re-serialised: DKIM canonicalization needs the bytes exactly as they were delivered, so every
// field is a set of views into the original message. Lines may end in CRLF or in a bare LF (mbox
// archives); consumers that need CRLF (DKIM) treat a bare LF as CRLF.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mv {

struct HeaderField {
  std::string_view name;   // field name as written (trailing blanks before the colon removed)
  std::string_view value;  // everything after the colon up to the final line break; folding kept
  std::string_view raw;    // the whole field, name to end of value, without the final line break
  uint32_t offset = 0;     // offset of `raw` in the message bytes
};

// Bounds on what Build indexes (docs/SECURITY.md). Past either, indexing stops with an error() and
// the rest of the message counts as body, so a hostile header section costs bounded time and memory.
struct HeaderLimits {
  size_t max_header_bytes = size_t{4} << 20;  // --max-header-bytes
  size_t max_fields = 5000;                   // --max-header-fields
};

class HeaderIndex {
 public:
  // Indexes `message` (which must outlive the index). Never fails: problems are reported by error().
  static HeaderIndex Build(std::string_view message, const HeaderLimits& limits = {});

  std::string_view message() const { return message_; }
  const std::vector<HeaderField>& fields() const { return fields_; }
  // The body: the bytes after the empty line that ends the header section (empty if there is none).
  std::string_view body() const { return message_.substr(body_offset_); }
  size_t body_offset() const { return body_offset_; }
  bool has_body_separator() const { return has_separator_; }
  // True when the header section ends its lines with bare LF rather than CRLF.
  bool lf_line_ends() const { return lf_line_ends_; }

  // Empty when the header section is well formed; otherwise the first problem found, for the record.
  const std::string& error() const { return error_; }

  // Case-insensitive lookups; "first" is the topmost field.
  const HeaderField* First(std::string_view name) const;
  std::vector<const HeaderField*> All(std::string_view name) const;
  size_t Count(std::string_view name) const;

 private:
  std::string_view message_;
  std::vector<HeaderField> fields_;
  size_t body_offset_ = 0;
  bool has_separator_ = false;
  bool lf_line_ends_ = false;
  std::string error_;
};

// ASCII case-insensitive equality, as header field names and DNS names compare.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace mv
