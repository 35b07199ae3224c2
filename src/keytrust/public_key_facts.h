// PublicKeyFacts: what the key-trust checks need to know of a parsed DKIM key: its fingerprint
// (SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex, the value `openssl pkey -pubin
// -outform DER | sha256sum` prints) and, for RSA, the modulus.
#pragma once

#include <string>

#include "dkim/dkim_key.h"
#include "keytrust/big_int.h"

namespace mv {

struct PublicKeyFacts {
  std::string fingerprint;  // empty when OpenSSL cannot encode the key
  bool rsa = false;
  BigInt modulus;  // RSA only
  int bits = 0;
};

PublicKeyFacts FactsOf(const DkimKey& key);

}  // namespace mv
