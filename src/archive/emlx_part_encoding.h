// Content-Transfer-Encoding for the parts a .partial.emlx keeps outside the message: Mail.app
// stores each such part decoded, as a plain file, so putting it back means encoding it again
// the way its MIME header says (base64 in 76-column lines, quoted-printable, or as it is).
// The result is what a common encoder writes, not necessarily the sender's exact bytes.
#pragma once

#include <string>
#include <string_view>

namespace mv {

// base64 (RFC 2045 6.8) in lines of 76 characters separated by LF, with no final line break.
std::string EncodeBase64Lines(std::string_view data);

// quoted-printable (RFC 2045 6.7): LF or CRLF line ends stay hard line breaks (written as LF),
// soft breaks keep lines at most 76 characters, trailing blanks and '=' are encoded. No final
// line break is added beyond those of the data.
std::string EncodeQuotedPrintable(std::string_view data);

// Encodes `data` for the Content-Transfer-Encoding value `encoding` (case-insensitive; 7bit, 8bit,
// binary or an unknown value keep the data as it is).
std::string EncodeForTransfer(std::string_view encoding, std::string_view data);

}  // namespace mv
