// Between a bare RSA public key (modulus, exponent) and the DKIM key record that publishes it:
// "v=DKIM1; k=rsa; p=" + base64 of the SubjectPublicKeyInfo DER, the form signers publish, so a
// recovered key is byte-identical to the original record's p= when the numbers match.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace mv {

struct RsaPublicNumbers {
  std::string modulus;  // big-endian, no leading zero bytes
  unsigned long exponent = 0;
};

// The TXT record text for the key.
Result<std::string> DkimRecordForRsaKey(const RsaPublicNumbers& key);

// The numbers of an RSA DKIM key record (parsed with the DKIM module's key parser).
Result<RsaPublicNumbers> RsaNumbersOfRecord(std::string_view record);

}  // namespace mv
