// Hash functions used by DKIM (SHA-1, SHA-256) over OpenSSL, with the EVP_MD objects fetched once
// and EVP_MD_CTX objects recycled through a per-thread pool, so hashing a message allocates
// nothing.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace mv {

enum class DkimHash { kSha1, kSha256 };

std::string_view DkimHashName(DkimHash hash);  // "sha1" / "sha256"
const EVP_MD* DkimHashMd(DkimHash hash);       // explicitly fetched, valid for the process lifetime

// One running digest whose context is borrowed from the calling thread's pool and returned, when
// the object dies, to the pool of the thread destroying it. Not for concurrent use by several
// threads.
class Digest {
 public:
  explicit Digest(DkimHash hash);
  ~Digest();
  Digest(Digest&& other) noexcept;
  Digest& operator=(Digest&&) = delete;
  Digest(const Digest&) = delete;

  void Update(const void* data, size_t size) { EVP_DigestUpdate(ctx_, data, size); }
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  // Returns the digest bytes; the object may not be updated afterwards.
  std::string Final();

 private:
  EVP_MD_CTX* ctx_;
};

std::string HashBytes(DkimHash hash, std::string_view data);

}  // namespace mv
