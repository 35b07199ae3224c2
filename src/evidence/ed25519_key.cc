#include "evidence/ed25519_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>

#include "evidence/durable_file.h"
#include "evidence/message_hash_check.h"

namespace mv {
namespace {

// The fixed DER heads of the two encodings (RFC 8410): what follows is the 32-byte key.
constexpr unsigned char kPkcs8Head[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                        0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
constexpr unsigned char kSpkiHead[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                       0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string_view Head(const unsigned char* head, size_t n) {
  return {reinterpret_cast<const char*>(head), n};
}

std::string Pem(std::string_view label, std::string_view der) {
  std::string b64(sodium_base64_ENCODED_LEN(der.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(der.data()),
                    der.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::char_traits<char>::length(b64.c_str()));
  return "-----BEGIN " + std::string(label) + "-----\n" + b64 + "\n-----END " + std::string(label) +
         "-----\n";
}

// The DER bytes of the PEM block `label` in `text`.
Result<std::string> PemBody(std::string_view text, std::string_view label,
                            const std::string& path) {
  const std::string begin = "-----BEGIN " + std::string(label) + "-----";
  const std::string end = "-----END " + std::string(label) + "-----";
  const size_t b = text.find(begin);
  const size_t e = b == std::string_view::npos ? b : text.find(end, b);
  if (e == std::string_view::npos) {
    return Status::Error(path + ": no " + std::string(label) + " PEM block");
  }
  const std::string_view body = text.substr(b + begin.size(), e - b - begin.size());
  std::string der(body.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(der.data()), der.size(), body.data(),
                        body.size(), " \r\n\t", &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return Status::Error(path + ": bad base64 in the PEM block");
  }
  der.resize(len);
  return der;
}

}  // namespace

Status GenerateEd25519KeyFiles(const std::string& path) {
  if (!SodiumReady()) return Status::Error("libsodium could not be initialised");
  std::error_code ec;
  if (std::filesystem::exists(path, ec) || std::filesystem::exists(path + ".pub", ec)) {
    return Status::Error(path + " or " + path + ".pub exists; not overwriting a key");
  }
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  // libsodium's secret key is seed || public key; PKCS#8 keeps the seed only.
  const std::string secret_pem =
      Pem("PRIVATE KEY", std::string(Head(kPkcs8Head, sizeof kPkcs8Head)) +
                             std::string(reinterpret_cast<const char*>(sk), 32));
  sodium_memzero(sk, sizeof sk);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Error("cannot create " + path);
  const bool written = ::write(fd, secret_pem.data(), secret_pem.size()) ==
                           static_cast<ssize_t>(secret_pem.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return Status::Error("cannot write " + path);
  return WriteFileSynced(path + ".pub",
                         Pem("PUBLIC KEY", std::string(Head(kSpkiHead, sizeof kSpkiHead)) +
                                               std::string(reinterpret_cast<const char*>(pk), 32)));
}

Result<Ed25519Secret> ReadEd25519Secret(const std::string& path) {
  if (!SodiumReady()) return Status::Error("libsodium could not be initialised");
  Result<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  Result<std::string> der = PemBody(*text, "PRIVATE KEY", path);
  if (!der.ok()) return der.status();
  const std::string_view head = Head(kPkcs8Head, sizeof kPkcs8Head);
  if (der->size() != head.size() + 32 || !std::string_view(*der).starts_with(head)) {
    return Status::Error(path + ": not an Ed25519 PKCS#8 private key");
  }
  Ed25519Secret key;
  key.seed = der->substr(head.size());
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(key.seed.data()));
  sodium_memzero(sk, sizeof sk);
  key.public_key.assign(reinterpret_cast<const char*>(pk), sizeof pk);
  return key;
}

Result<std::string> ReadEd25519Public(const std::string& path) {
  Result<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  if (text->find("-----BEGIN PRIVATE KEY-----") != std::string::npos) {
    Result<Ed25519Secret> secret = ReadEd25519Secret(path);
    if (!secret.ok()) return secret.status();
    return secret->public_key;
  }
  Result<std::string> der = PemBody(*text, "PUBLIC KEY", path);
  if (!der.ok()) return der.status();
  const std::string_view head = Head(kSpkiHead, sizeof kSpkiHead);
  if (der->size() != head.size() + 32 || !std::string_view(*der).starts_with(head)) {
    return Status::Error(path + ": not an Ed25519 public key");
  }
  return der->substr(head.size());
}

std::string Ed25519Sign(const Ed25519Secret& key, std::string_view message) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  SodiumReady();
  crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(key.seed.data()));
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), sk);
  sodium_memzero(sk, sizeof sk);
  return std::string(reinterpret_cast<const char*>(sig), sizeof sig);
}

bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature) {
  return SodiumReady() && public_key.size() == crypto_sign_PUBLICKEYBYTES &&
         signature.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(signature.data()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

std::string Ed25519Fingerprint(std::string_view public_key) {
  return Sha256Hex(public_key);
}

}  // namespace mv
