#include "evidence/timestamp.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <memory>

namespace mv {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using ReqPtr = std::unique_ptr<TS_REQ, Deleter<TS_REQ, TS_REQ_free>>;
using RespPtr = std::unique_ptr<TS_RESP, Deleter<TS_RESP, TS_RESP_free>>;

std::string OpenSslError() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

Result<ReqPtr> ParseRequest(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ReqPtr req(d2i_TS_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (!req) return Status::Error("the timestamp request is not a DER TimeStampReq");
  return req;
}

Result<RespPtr> ParseReply(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  RespPtr resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size())));
  if (!resp) return Status::Error("the timestamp reply is not a DER TimeStampResp");
  return resp;
}

std::string_view Bytes(const ASN1_OCTET_STRING* s) {
  return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
          static_cast<size_t>(ASN1_STRING_length(s))};
}

std::string GenTime(TS_TST_INFO* info) {
  const ASN1_GENERALIZEDTIME* t = TS_TST_INFO_get_time(info);
  return t ? std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(t)),
                         static_cast<size_t>(ASN1_STRING_length(t)))
           : std::string("?");
}

}  // namespace

Result<std::string> MakeTimestampRequest(std::string_view sha256) {
  if (sha256.size() != 32) return Status::Error("a SHA-256 digest is 32 bytes");
  ReqPtr req(TS_REQ_new());
  TS_MSG_IMPRINT* imprint = TS_MSG_IMPRINT_new();
  X509_ALGOR* algo = X509_ALGOR_new();
  BIGNUM* nonce_bn = BN_new();
  ASN1_INTEGER* nonce = nullptr;
  bool ok = req && imprint && algo && nonce_bn &&
            X509_ALGOR_set0(algo, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr) &&
            TS_MSG_IMPRINT_set_algo(imprint, algo) &&
            TS_MSG_IMPRINT_set_msg(
                imprint, reinterpret_cast<unsigned char*>(const_cast<char*>(sha256.data())),
                static_cast<int>(sha256.size())) &&
            TS_REQ_set_version(req.get(), 1) && TS_REQ_set_msg_imprint(req.get(), imprint) &&
            BN_rand(nonce_bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
            (nonce = BN_to_ASN1_INTEGER(nonce_bn, nullptr)) != nullptr &&
            TS_REQ_set_nonce(req.get(), nonce) && TS_REQ_set_cert_req(req.get(), 1);
  // The setters copy; free our originals whatever happened.
  ASN1_INTEGER_free(nonce);
  BN_free(nonce_bn);
  X509_ALGOR_free(algo);
  TS_MSG_IMPRINT_free(imprint);
  if (!ok) return Status::Error("cannot build the timestamp request: " + OpenSslError());
  unsigned char* der = nullptr;
  const int len = i2d_TS_REQ(req.get(), &der);
  if (len <= 0) return Status::Error("cannot encode the timestamp request: " + OpenSslError());
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

Result<std::string> TimestampRequestImprint(std::string_view request_der) {
  Result<ReqPtr> req = ParseRequest(request_der);
  if (!req.ok()) return req.status();
  return std::string(Bytes(TS_MSG_IMPRINT_get_msg(TS_REQ_get_msg_imprint(req->get()))));
}

Result<std::string> CheckTimestampReply(std::string_view request_der, std::string_view reply_der,
                                        std::string_view sha256) {
  Result<ReqPtr> req = ParseRequest(request_der);
  if (!req.ok()) return req.status();
  Result<RespPtr> resp = ParseReply(reply_der);
  if (!resp.ok()) return resp.status();
  const long status =
      ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp->get())));
  if (status != 0 && status != 1) {
    return Status::Error("the TSA did not grant the timestamp (status " + std::to_string(status) +
                         ")");
  }
  TS_TST_INFO* info = TS_RESP_get_tst_info(resp->get());
  if (info == nullptr) return Status::Error("the timestamp reply holds no token");
  const std::string_view stamped = Bytes(TS_MSG_IMPRINT_get_msg(TS_TST_INFO_get_msg_imprint(info)));
  const std::string_view asked = Bytes(TS_MSG_IMPRINT_get_msg(TS_REQ_get_msg_imprint(req->get())));
  if (asked != sha256) {
    return Status::Error("the timestamp request is for another tag manifest than this bag's");
  }
  if (stamped != sha256) {
    return Status::Error("the timestamp token is for another tag manifest than this bag's");
  }
  const ASN1_INTEGER* want = TS_REQ_get_nonce(req->get());
  const ASN1_INTEGER* got = TS_TST_INFO_get_nonce(info);
  if (want != nullptr && (got == nullptr || ASN1_INTEGER_cmp(want, got) != 0)) {
    return Status::Error("the timestamp token's nonce is not the one in the request");
  }
  return GenTime(info);
}

Result<std::string> VerifyTimestampReply(std::string_view request_der, std::string_view reply_der,
                                         std::string_view sha256, const std::string& ca_file) {
  Result<std::string> checked = CheckTimestampReply(request_der, reply_der, sha256);
  if (!checked.ok()) return checked;
  Result<ReqPtr> req = ParseRequest(request_der);
  Result<RespPtr> resp = ParseReply(reply_der);
  if (!req.ok() || !resp.ok()) return Status::Error("the timestamp files do not parse");
  X509_STORE* store = X509_STORE_new();
  if (store == nullptr || X509_STORE_load_file(store, ca_file.c_str()) != 1) {
    X509_STORE_free(store);
    return Status::Error("cannot read the TSA CA file " + ca_file + ": " + OpenSslError());
  }
  // Imprint, nonce, version, signer and signature, as `openssl ts -verify -queryfile` checks.
  TS_VERIFY_CTX* ctx = TS_REQ_to_TS_VERIFY_CTX(req->get(), nullptr);
  if (ctx == nullptr) {
    X509_STORE_free(store);
    return Status::Error("cannot set up the timestamp check: " + OpenSslError());
  }
  TS_VERIFY_CTX_set_store(ctx, store);  // the context owns the store from here
  const int ok = TS_RESP_verify_response(ctx, resp->get());
  TS_VERIFY_CTX_free(ctx);
  if (ok != 1) return Status::Error("the timestamp token does not verify: " + OpenSslError());
  return checked;
}

}  // namespace mv
