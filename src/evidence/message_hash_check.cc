#include "evidence/message_hash_check.h"

#include <openssl/evp.h>

#include "util/json_writer.h"

namespace mv {

namespace {

// The check runs once per message on every thread. EVP_Digest with EVP_sha256() made OpenSSL 3
// look the algorithm up in its provider store (under a read lock all threads share) and allocate
// a context for every message; here the algorithm is fetched once and each thread keeps a context.
const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct ThreadContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~ThreadContext() { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  thread_local ThreadContext local;
  EVP_DigestInit_ex2(local.ctx, Sha256Md(), nullptr);
  EVP_DigestUpdate(local.ctx, bytes.data(), bytes.size());
  EVP_DigestFinal_ex(local.ctx, digest, &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

void MessageHashCheck::Run(const ParsedMessage& msg, MessageRecord* record) const {
  std::string json;
  AppendJsonString(&json, Sha256Hex(msg.raw.bytes));
  record->AddMember("sha256", std::move(json));
}

}  // namespace mv
