// TransportHeaders: turns the header block Outlook keeps for a received message (the property
// PidTagTransportMessageHeaders, 0x007D, of a PST/OST item or an .msg file) into the bytes
// mailverify checks: the header section with CRLF line ends and an empty body. Outlook keeps no
// original MIME body, so the result is a "headers-only" message; the one exception, an S/MIME
// multipart/signed item whose attachment holds the signed entity byte for byte, is rebuilt by
// AssembleSignedMime. Pure functions over bytes, shared by the PST and MSG readers and fuzzed on
// their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mv {

// How a MAPI string property is stored: PT_UNICODE (type 0x001F, UTF-16LE) or PT_STRING8 (0x001E,
// 8-bit in the message code page).
enum class MapiStringType { kUnicode, kString8 };

// The header section of `value` as a message: decoded from UTF-16LE to UTF-8 (unpaired surrogates
// become U+FFFD) or kept byte for byte (PT_STRING8: an 8-bit header is most likely the bytes as
// received, which DKIM needs, so no code page conversion); cut at the first NUL; Exchange's
// "Microsoft Mail Internet Headers Version 2.0" first line and leading empty lines dropped; every
// bare LF made CRLF; cut after the first empty line (some stores append the first MIME part's
// headers) and ended with one. Empty when no header field is left.
std::string TransportHeadersToMessage(std::string_view value, MapiStringType type);

// The original message of an S/MIME signed item: `headers` (as TransportHeadersToMessage returns
// it) followed by the body of `signed_entity`, the item's attachment that holds the
// multipart/signed entity (its own MIME header block, an empty line, then the body as signed).
// Returns nothing when the entity is not multipart/signed or its boundary differs from the one in
// `headers`' own Content-Type, since the body would then not be the message's.
std::optional<std::string> AssembleSignedMime(std::string_view headers,
                                              std::string_view signed_entity);

// A Windows FILETIME (100 ns ticks since 1601-01-01 UTC) as Unix seconds; nothing for 0 or for a
// time outside 1970..9999.
std::optional<int64_t> FiletimeToUnix(uint64_t filetime);

}  // namespace mv
