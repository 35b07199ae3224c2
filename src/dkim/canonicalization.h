// DKIM canonicalization (RFC 6376 3.4) of header fields, and parsing of the c= tag. Body
// canonicalization streams and lives in body_hasher.h. A bare LF in the input is read as CRLF, so
// messages from mbox archives canonicalize exactly as their CRLF originals would.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mv {

enum class Canon { kSimple, kRelaxed };

struct Canonicalization {
  Canon header = Canon::kSimple;
  Canon body = Canon::kSimple;
};

std::string_view CanonName(Canon canon);  // "simple" / "relaxed"

// Reads a c= value: "" (tag absent) is simple/simple, "relaxed" alone is relaxed/simple (RFC 6376
// 3.5). Unknown words give nullopt.
std::optional<Canonicalization> ParseCanonicalization(std::string_view value);

// Appends the canonical form of one header field, `raw` being the whole field from its name to the
// end of its value, without the final line break. No CRLF is appended: the caller adds one after
// every field except the signature's own.
void AppendCanonicalHeader(Canon canon, std::string_view raw, std::string* out);

}  // namespace mv
