// DkimKey: a public key record published at selector._domainkey.domain (RFC 6376 3.6.1, RFC 8463),
// parsed into an EVP_PKEY plus the record's restrictions, and DkimKeyCache, a bounded thread-safe
// cache of parsed records keyed by the record text so each key is decoded once per process.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dkim/digest.h"
#include "dkim/dkim_status.h"

namespace mv {

enum class DkimKeyType { kRsa, kEd25519 };

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

// RSA verification contexts already set up (padding, digest) for one key, shared by every thread
// that verifies with it: setting a context up costs about a fifth of a verification, and an
// archive has thousands of keys, too many for a small per-thread cache of recent keys.
class RsaContextPool {
 public:
  RsaContextPool() = default;
  RsaContextPool(const RsaContextPool&) = delete;
  RsaContextPool& operator=(const RsaContextPool&) = delete;
  ~RsaContextPool();

  // A context for `pkey` and `hash`, from the pool or new; nullptr when OpenSSL refuses the key.
  EVP_PKEY_CTX* Take(EVP_PKEY* pkey, DkimHash hash);
  // Returns a context Take gave for the same `hash`.
  void Give(EVP_PKEY_CTX* ctx, DkimHash hash);

 private:
  std::mutex mu_;
  std::vector<EVP_PKEY_CTX*> free_[2];  // by DkimHash: sha1, sha256
};

struct DkimKey {
  DkimKeyType type = DkimKeyType::kRsa;
  std::unique_ptr<EVP_PKEY, EvpPkeyDeleter> pkey;
  mutable RsaContextPool rsa_contexts;             // declared after pkey: destroyed before it
  int bits = 0;                                    // RSA modulus size; 256 for Ed25519
  std::array<unsigned char, 32> ed25519_public{};  // Ed25519: the raw key, for libsodium
  bool testing = false;                            // t=y
  bool strict_identity = false;                    // t=s: i= must be exactly d=, not a subdomain
  bool allows_sha1 = true;                         // h= (absent: every hash)
  bool allows_sha256 = true;
  bool email_service = true;  // s= (absent, "*" or a list containing "email")
  std::string record;         // the TXT record parsed: key-trust cache key, `keys export`

  bool Allows(DkimHash hash) const { return hash == DkimHash::kSha1 ? allows_sha1 : allows_sha256; }
};

// The outcome of parsing one key record: reason kOk with a key, kKeyRevoked (empty p=), or
// kKeySyntax with a detail.
struct DkimKeyParse {
  DkimReason reason = DkimReason::kKeySyntax;
  std::string detail;
  std::shared_ptr<const DkimKey> key;
};

// Parses the TXT record text (strings already concatenated). Rules: v= if present must be the first
// tag and exactly "DKIM1"; k= is rsa (default) or ed25519; p= is base64 of a SubjectPublicKeyInfo
// (or PKCS#1 RSAPublicKey) for rsa and of the raw 32 bytes for ed25519 (RFC 8463 4); h=, s= and t=
// are colon-separated lists where unknown entries are ignored.
DkimKeyParse ParseDkimKeyRecord(std::string_view record);

// Verifies `signature` over `digest` (the already computed header hash). RSA: PKCS#1 v1.5 with the
// digest algorithm `hash`. Ed25519: PureEdDSA over the digest bytes, as RFC 8463 3 specifies,
// checked by libsodium (about 2x faster here than OpenSSL 3.0's; it also refuses small-order keys
// and R values and non-canonical S, as dkimpy through PyNaCl does).
bool VerifyDigestSignature(const DkimKey& key, DkimHash hash, std::string_view digest,
                           std::string_view signature);

class DkimKeyCache {
 public:
  explicit DkimKeyCache(size_t capacity = 4096) : capacity_(capacity) {}
  // Returns the parse of `record`, parsing it on a miss. Thread-safe; the oldest entry is evicted
  // when the cache is full.
  DkimKeyParse Get(std::string_view record);
  size_t size() const;

 private:
  // Looked up by string_view: a hit copies neither the record text nor builds a key string.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  mutable std::mutex mu_;
  size_t capacity_;
  std::unordered_map<std::string, DkimKeyParse, TextHash, std::equal_to<>> entries_;
  std::deque<std::string> order_;  // insertion order, for eviction
};

}  // namespace mv
