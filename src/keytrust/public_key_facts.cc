#include "keytrust/public_key_facts.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <vector>

namespace mv {

PublicKeyFacts FactsOf(const DkimKey& key) {
  PublicKeyFacts facts;
  facts.bits = key.bits;
  if (key.pkey == nullptr) return facts;
  const int size = i2d_PUBKEY(key.pkey.get(), nullptr);
  if (size > 0) {
    std::vector<unsigned char> der(static_cast<size_t>(size));
    unsigned char* at = der.data();
    if (i2d_PUBKEY(key.pkey.get(), &at) == size) {
      unsigned char digest[SHA256_DIGEST_LENGTH];
      SHA256(der.data(), der.size(), digest);
      static constexpr char kHex[] = "0123456789abcdef";
      for (unsigned char c : digest) {
        facts.fingerprint.push_back(kHex[c >> 4]);
        facts.fingerprint.push_back(kHex[c & 15]);
      }
    }
  }
  if (key.type == DkimKeyType::kRsa) {
    BIGNUM* n = nullptr;
    if (EVP_PKEY_get_bn_param(key.pkey.get(), OSSL_PKEY_PARAM_RSA_N, &n) == 1 && n != nullptr) {
      std::string bytes(static_cast<size_t>(BN_num_bytes(n)), '\0');
      BN_bn2bin(n, reinterpret_cast<unsigned char*>(bytes.data()));
      facts.modulus = BigInt::FromBytes(bytes);
      facts.rsa = true;
    }
    BN_free(n);
  }
  return facts;
}

}  // namespace mv
