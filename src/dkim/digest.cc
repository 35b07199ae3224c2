#include "dkim/digest.h"

#include <vector>

namespace mv {
namespace {

// Contexts returned by Digest objects on this thread, ready for reuse.
class ContextPool {
 public:
  ~ContextPool() {
    for (EVP_MD_CTX* c : free_) EVP_MD_CTX_free(c);
  }
  EVP_MD_CTX* Take() {
    if (free_.empty()) return EVP_MD_CTX_new();
    EVP_MD_CTX* c = free_.back();
    free_.pop_back();
    return c;
  }
  void Give(EVP_MD_CTX* c) {
    if (free_.size() >= 16) {
      EVP_MD_CTX_free(c);
      return;
    }
    EVP_MD_CTX_reset(c);
    free_.push_back(c);
  }

 private:
  std::vector<EVP_MD_CTX*> free_;
};

ContextPool& Pool() {
  thread_local ContextPool pool;
  return pool;
}

}  // namespace

std::string_view DkimHashName(DkimHash hash) {
  return hash == DkimHash::kSha1 ? "sha1" : "sha256";
}

const EVP_MD* DkimHashMd(DkimHash hash) {
  // Explicit fetches avoid OpenSSL 3's implicit fetch (a locked lookup) on every EVP_DigestInit.
  static const EVP_MD* const kSha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static const EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return hash == DkimHash::kSha1 ? kSha1 : kSha256;
}

Digest::Digest(DkimHash hash) : ctx_(Pool().Take()) {
  EVP_DigestInit_ex(ctx_, DkimHashMd(hash), nullptr);
}

Digest::Digest(Digest&& other) noexcept : ctx_(other.ctx_) {
  other.ctx_ = nullptr;
}

Digest::~Digest() {
  if (ctx_ != nullptr) Pool().Give(ctx_);
}

std::string Digest::Final() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string HashBytes(DkimHash hash, std::string_view data) {
  Digest d(hash);
  d.Update(data);
  return d.Final();
}

}  // namespace mv
