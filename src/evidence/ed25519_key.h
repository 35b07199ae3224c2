// Ed25519 signing keys for evidence bags (libsodium). Key files are standard PEM, so OpenSSL and
// other tools read them as they are: the secret key is PKCS#8 ("BEGIN PRIVATE KEY", RFC 8410, the
// 32-byte seed), the public key SubjectPublicKeyInfo ("BEGIN PUBLIC KEY", the raw 32-byte key).
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace mv {

struct Ed25519Secret {
  std::string seed;        // 32 bytes
  std::string public_key;  // 32 bytes, derived from the seed
};

// Writes a new pair: `path` (secret, mode 0600, refused when it exists) and `path`.pub.
Status GenerateEd25519KeyFiles(const std::string& path);

Result<Ed25519Secret> ReadEd25519Secret(const std::string& path);
// The raw 32-byte key of a public key file (a secret key file is accepted too: its public half).
Result<std::string> ReadEd25519Public(const std::string& path);

std::string Ed25519Sign(const Ed25519Secret& key, std::string_view message);  // 64 bytes
bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature);

// Hex SHA-256 of the raw 32-byte public key: how a bag names its signer.
std::string Ed25519Fingerprint(std::string_view public_key);

}  // namespace mv
