#include "evidence/message_hash_check.h"

#include <openssl/evp.h>

#include "util/json_writer.h"

namespace mv {

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // One-shot: no context allocated per message (the check runs once per message on every thread).
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
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
