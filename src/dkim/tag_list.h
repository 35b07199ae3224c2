// TagList: the tag=value syntax of RFC 6376 3.2, shared by DKIM-Signature fields, DKIM key records
// and the ARC header fields. Tags are views into the parsed text, so a caller can locate a value in
// the original bytes (needed to empty b= before hashing the signature's own header field).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mv {

struct Tag {
  std::string_view name;       // case-sensitive, as RFC 6376 3.2 says
  std::string_view value;      // with the surrounding FWS removed (inner FWS kept)
  std::string_view raw_value;  // everything between "=" and the next ";" (or the end), FWS included
};

class TagList {
 public:
  // Parses `text` strictly: tag-name = ALPHA *(ALPHA / DIGIT / "_"), values made of VALCHAR runs
  // separated by FWS, a trailing ";" allowed, an empty tag-spec (";;") or a repeated tag rejected.
  // A bare LF counts as a line break inside FWS (mbox messages).
  static Result<TagList> Parse(std::string_view text);

  const Tag* Find(std::string_view name) const;
  const std::vector<Tag>& tags() const { return tags_; }

 private:
  std::vector<Tag> tags_;
};

// True for the bytes FWS is made of: SP, HTAB, CR, LF.
inline bool IsFwsByte(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The value with every FWS byte removed: how b=, bh= and p= base64 is read (RFC 6376 3.5, 3.6.1).
std::string RemoveFws(std::string_view value);

// Decodes base64 after removing FWS; fails on any other byte outside the alphabet or bad padding.
Result<std::string> DecodeBase64(std::string_view value);

}  // namespace mv
