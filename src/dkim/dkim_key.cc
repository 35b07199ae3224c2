#include "dkim/dkim_key.h"

#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <cstring>
#include <optional>

#include "dkim/tag_list.h"

namespace mv {
namespace {

DkimKeyParse Fail(DkimReason reason, std::string detail) {
  DkimKeyParse out;
  out.reason = reason;
  out.detail = std::move(detail);
  return out;
}

// Calls `fn` on each FWS-trimmed entry of a colon-separated list.
template <class Fn>
void ForEachListEntry(std::string_view list, Fn fn) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t colon = list.find(':', start);
    if (colon == std::string_view::npos) colon = list.size();
    std::string_view e = list.substr(start, colon - start);
    while (!e.empty() && IsFwsByte(e.front())) e.remove_prefix(1);
    while (!e.empty() && IsFwsByte(e.back())) e.remove_suffix(1);
    fn(e);
    start = colon + 1;
  }
}

// Reads one DER tag-length header at `*at` (definite lengths up to 65535 bytes, the minimal form)
// and returns the content length, leaving `*at` on the content; nullopt when it is not `tag`.
std::optional<size_t> DerHeader(std::string_view der, size_t* at, unsigned char tag) {
  if (*at + 2 > der.size() || static_cast<unsigned char>(der[*at]) != tag) return std::nullopt;
  const auto first = static_cast<unsigned char>(der[*at + 1]);
  size_t len = 0;
  size_t header = 2;
  if (first < 0x80) {
    len = first;
  } else if (first == 0x81 && *at + 3 <= der.size() &&
             static_cast<unsigned char>(der[*at + 2]) >= 0x80) {
    len = static_cast<unsigned char>(der[*at + 2]);
    header = 3;
  } else if (first == 0x82 && *at + 4 <= der.size() &&
             static_cast<unsigned char>(der[*at + 2]) != 0) {
    len = static_cast<size_t>(static_cast<unsigned char>(der[*at + 2])) << 8 |
          static_cast<unsigned char>(der[*at + 3]);
    header = 4;
  } else {
    return std::nullopt;
  }
  if (*at + header + len > der.size()) return std::nullopt;
  *at += header;
  return len;
}

// The RSAPublicKey (PKCS#1) inside a SubjectPublicKeyInfo whose algorithm is exactly
// rsaEncryption with NULL parameters, the form every DKIM signer publishes; nullopt otherwise.
// d2i_PUBKEY goes through OpenSSL 3's decoder search (tens of microseconds and locks per key); the
// inner structure alone decodes in about a microsecond with the same RSAPublicKey parser.
std::optional<std::string_view> RsaSpkiContent(std::string_view der) {
  static constexpr unsigned char kRsaAlgorithm[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                                    0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  size_t at = 0;
  std::optional<size_t> outer = DerHeader(der, &at, 0x30);
  if (!outer || at + *outer != der.size()) return std::nullopt;
  const std::string_view algorithm(reinterpret_cast<const char*>(kRsaAlgorithm),
                                   sizeof kRsaAlgorithm);
  if (der.substr(at, algorithm.size()) != algorithm) return std::nullopt;
  at += algorithm.size();
  std::optional<size_t> bits = DerHeader(der, &at, 0x03);
  if (!bits || at + *bits != der.size() || *bits < 2 || der[at] != 0) return std::nullopt;
  return der.substr(at + 1, *bits - 1);  // after the "0 unused bits" byte
}

EVP_PKEY* DecodeRsaKey(const std::string& der) {
  if (std::optional<std::string_view> inner = RsaSpkiContent(der)) {
    const auto* q = reinterpret_cast<const unsigned char*>(inner->data());
    EVP_PKEY* key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &q, static_cast<long>(inner->size()));
    if (key != nullptr &&
        q == reinterpret_cast<const unsigned char*>(inner->data()) + inner->size()) {
      return key;
    }
    EVP_PKEY_free(key);  // not a clean RSAPublicKey: let the general decoder judge the whole
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (key != nullptr && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    EVP_PKEY_free(key);  // trailing garbage after the structure
    return nullptr;
  }
  if (key == nullptr) {
    p = reinterpret_cast<const unsigned char*>(der.data());
    key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size()));
    if (key != nullptr && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
      EVP_PKEY_free(key);
      return nullptr;
    }
  }
  if (key != nullptr && EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return key;
}

size_t HashSlot(DkimHash hash) {
  return hash == DkimHash::kSha1 ? 0 : 1;
}

// More contexts than verifying threads is memory for nothing.
constexpr size_t kPooledContexts = 8;

}  // namespace

DkimKeyParse ParseDkimKeyRecord(std::string_view record) {
  Result<TagList> tags = TagList::Parse(record);
  if (!tags.ok()) return Fail(DkimReason::kKeySyntax, tags.error());
  const TagList& t = *tags;
  if (const Tag* v = t.Find("v")) {
    if (&t.tags().front() != v) return Fail(DkimReason::kKeySyntax, "v= is not the first tag");
    if (v->value != "DKIM1") return Fail(DkimReason::kKeySyntax, "v= is not DKIM1");
  }
  auto key = std::make_shared<DkimKey>();
  if (const Tag* k = t.Find("k")) {
    if (k->value == "rsa") {
      key->type = DkimKeyType::kRsa;
    } else if (k->value == "ed25519") {
      key->type = DkimKeyType::kEd25519;
    } else {
      return Fail(DkimReason::kKeySyntax, "unknown key type k=" + std::string(k->value));
    }
  }
  if (const Tag* h = t.Find("h")) {
    key->allows_sha1 = key->allows_sha256 = false;
    ForEachListEntry(h->value, [&](std::string_view e) {
      if (e == "sha1") key->allows_sha1 = true;
      if (e == "sha256") key->allows_sha256 = true;
    });
  }
  if (const Tag* s = t.Find("s")) {
    key->email_service = false;
    ForEachListEntry(s->value, [&](std::string_view e) {
      if (e == "*" || e == "email") key->email_service = true;
    });
  }
  if (const Tag* flags = t.Find("t")) {
    ForEachListEntry(flags->value, [&](std::string_view e) {
      if (e == "y") key->testing = true;
      if (e == "s") key->strict_identity = true;
    });
  }
  const Tag* p = t.Find("p");
  if (p == nullptr) return Fail(DkimReason::kKeySyntax, "no p= tag");
  const std::string p_text = RemoveFws(p->value);
  if (p_text.empty()) return Fail(DkimReason::kKeyRevoked, "empty p=: key revoked");
  Result<std::string> der = DecodeBase64(p_text);
  if (!der.ok()) return Fail(DkimReason::kKeySyntax, "p=: " + der.error());
  EVP_PKEY* pkey = nullptr;
  if (key->type == DkimKeyType::kRsa) {
    pkey = DecodeRsaKey(*der);
    if (pkey == nullptr) return Fail(DkimReason::kKeySyntax, "p= is not an RSA public key");
  } else {
    if (der->size() != 32) {
      return Fail(DkimReason::kKeySyntax,
                  "ed25519 p= must be 32 raw bytes, got " + std::to_string(der->size()));
    }
    pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(der->data()), 32);
    if (pkey == nullptr) return Fail(DkimReason::kKeySyntax, "p= is not an ed25519 public key");
    std::memcpy(key->ed25519_public.data(), der->data(), 32);
  }
  key->pkey.reset(pkey);
  key->bits = key->type == DkimKeyType::kEd25519 ? 256 : EVP_PKEY_get_bits(pkey);
  key->record = std::string(record);
  DkimKeyParse out;
  out.reason = DkimReason::kOk;
  out.key = std::move(key);
  return out;
}

RsaContextPool::~RsaContextPool() {
  for (auto& list : free_) {
    for (EVP_PKEY_CTX* ctx : list) EVP_PKEY_CTX_free(ctx);
  }
}

EVP_PKEY_CTX* RsaContextPool::Take(EVP_PKEY* pkey, DkimHash hash) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<EVP_PKEY_CTX*>& list = free_[HashSlot(hash)];
    if (!list.empty()) {
      EVP_PKEY_CTX* ctx = list.back();
      list.pop_back();
      return ctx;
    }
  }
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(pkey, nullptr);
  if (ctx == nullptr || EVP_PKEY_verify_init(ctx) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx, DkimHashMd(hash)) != 1) {
    EVP_PKEY_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

void RsaContextPool::Give(EVP_PKEY_CTX* ctx, DkimHash hash) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<EVP_PKEY_CTX*>& list = free_[HashSlot(hash)];
    if (list.size() < kPooledContexts) {
      list.push_back(ctx);
      return;
    }
  }
  EVP_PKEY_CTX_free(ctx);
}

bool VerifyDigestSignature(const DkimKey& key, DkimHash hash, std::string_view digest,
                           std::string_view signature) {
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  const auto* md = reinterpret_cast<const unsigned char*>(digest.data());
  if (key.type == DkimKeyType::kEd25519) {
    static const bool sodium_ready = sodium_init() >= 0;
    return sodium_ready && signature.size() == crypto_sign_BYTES &&
           crypto_sign_verify_detached(sig, md, digest.size(), key.ed25519_public.data()) == 0;
  }
  EVP_PKEY_CTX* ctx = key.rsa_contexts.Take(key.pkey.get(), hash);
  if (ctx == nullptr) return false;
  const bool ok = EVP_PKEY_verify(ctx, sig, signature.size(), md, digest.size()) == 1;
  key.rsa_contexts.Give(ctx, hash);
  return ok;
}

DkimKeyParse DkimKeyCache::Get(std::string_view record) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(record);
    if (it != entries_.end()) return it->second;
  }
  std::string text(record);
  // Parse outside the lock: two threads may both parse a new key, which is harmless.
  DkimKeyParse parsed = ParseDkimKeyRecord(record);
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= capacity_ && !order_.empty()) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
  if (entries_.emplace(text, parsed).second) order_.push_back(std::move(text));
  return parsed;
}

size_t DkimKeyCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace mv
