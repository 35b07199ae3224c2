#include "recovery/emsa_pkcs1.h"

namespace mv {
namespace {

// DER of DigestInfo up to the digest octets (RFC 8017 9.2 note 1).
constexpr unsigned char kSha1Prefix[] = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
                                         0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
constexpr unsigned char kSha256Prefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                           0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                           0x01, 0x05, 0x00, 0x04, 0x20};

}  // namespace

Result<std::string> EncodeEmsaPkcs1v15(DkimHash hash, std::string_view digest, size_t em_len) {
  const bool sha1 = hash == DkimHash::kSha1;
  const std::string_view prefix =
      sha1 ? std::string_view(reinterpret_cast<const char*>(kSha1Prefix), sizeof kSha1Prefix)
           : std::string_view(reinterpret_cast<const char*>(kSha256Prefix), sizeof kSha256Prefix);
  const size_t digest_len = sha1 ? 20 : 32;
  if (digest.size() != digest_len) {
    return Status::Error("digest of " + std::to_string(digest.size()) + " bytes for " +
                         std::string(DkimHashName(hash)));
  }
  const size_t t_len = prefix.size() + digest.size();
  if (em_len < t_len + 11) {
    return Status::Error("modulus of " + std::to_string(em_len) + " bytes is too short");
  }
  std::string em;
  em.reserve(em_len);
  em.push_back('\x00');
  em.push_back('\x01');
  em.append(em_len - t_len - 3, '\xff');
  em.push_back('\x00');
  em.append(prefix);
  em.append(digest);
  return em;
}

}  // namespace mv
