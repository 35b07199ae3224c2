#include "recovery/rsa_key_record.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <memory>

#include "dkim/dkim_key.h"

namespace mv {
namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

}  // namespace

Result<std::string> DkimRecordForRsaKey(const RsaPublicNumbers& key) {
  Bn n(BN_bin2bn(reinterpret_cast<const unsigned char*>(key.modulus.data()),
                 static_cast<int>(key.modulus.size()), nullptr));
  Bn e(BN_new());
  if (!n || !e || BN_set_word(e.get(), key.exponent) != 1) return Status::Error("out of memory");
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return Status::Error("cannot build RSA key parameters");
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return Status::Error("OpenSSL refused the RSA public key");
  }
  std::unique_ptr<EVP_PKEY, EvpPkeyDeleter> pkey(raw);
  unsigned char* der = nullptr;
  const int der_len = i2d_PUBKEY(pkey.get(), &der);
  if (der_len <= 0) return Status::Error("cannot encode the RSA public key");
  std::string record = "v=DKIM1; k=rsa; p=" + Base64(der, static_cast<size_t>(der_len));
  OPENSSL_free(der);
  return record;
}

Result<RsaPublicNumbers> RsaNumbersOfRecord(std::string_view record) {
  DkimKeyParse parse = ParseDkimKeyRecord(record);
  if (parse.reason != DkimReason::kOk) {
    return Status::Error("not a usable key record: " + std::string(DkimReasonName(parse.reason)) +
                         (parse.detail.empty() ? "" : ": " + parse.detail));
  }
  if (parse.key->type != DkimKeyType::kRsa) return Status::Error("not an RSA key");
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (EVP_PKEY_get_bn_param(parse.key->pkey.get(), OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
      EVP_PKEY_get_bn_param(parse.key->pkey.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
    BN_free(n);
    return Status::Error("cannot read the RSA numbers");
  }
  Bn owned_n(n), owned_e(e);
  RsaPublicNumbers out;
  out.modulus.resize(static_cast<size_t>(BN_num_bytes(n)));
  BN_bn2bin(n, reinterpret_cast<unsigned char*>(out.modulus.data()));
  out.exponent = BN_get_word(e);
  return out;
}

}  // namespace mv
