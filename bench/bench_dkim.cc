// DKIM micro-benchmarks: body canonicalization + SHA-256 throughput (against raw SHA-256 over the
// same bytes), header canonicalization, RSA-2048 and Ed25519 verification through our code against
// bare OpenSSL EVP calls, and whole-message verification with a warm key cache.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <string>

#include "dkim/body_hasher.h"
#include "dkim/dkim_key.h"
#include "dkim/dkim_verifier.h"
#include "dkim/header_hash.h"
#include "dns/memory_source.h"

namespace mv {
namespace {

// `messy`: every line has a double space, a tab and a trailing space, which relaxed
// canonicalization must rewrite; otherwise plain text with single spaces, which it leaves as it is.
std::string MakeBody(size_t bytes, bool lf, bool messy = true) {
  std::string body;
  int i = 0;
  while (body.size() < bytes) {
    body += "Line " + std::to_string(i++) +
            (messy ? " of the body, with  some\tspacing and words to hash "
                   : " of the body, with some spacing and more words to hash");
    body += lf ? "\n" : "\r\n";
    if (i % 20 == 0) body += lf ? "\n" : "\r\n";
  }
  return body;
}

void BodyBench(benchmark::State& state, Canon canon, bool lf, bool messy = true) {
  const std::string body = MakeBody(1 << 20, lf, messy);
  for (auto _ : state) {
    BodyHash h = ComputeBodyHash(canon, DkimHash::kSha256, std::nullopt, body);
    benchmark::DoNotOptimize(h);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
void BM_BodySimpleCrlf(benchmark::State& s) {
  BodyBench(s, Canon::kSimple, false);
}
void BM_BodySimpleLf(benchmark::State& s) {
  BodyBench(s, Canon::kSimple, true);
}
void BM_BodyRelaxedCrlf(benchmark::State& s) {
  BodyBench(s, Canon::kRelaxed, false);
}
void BM_BodyRelaxedLf(benchmark::State& s) {
  BodyBench(s, Canon::kRelaxed, true);
}
void BM_BodyRelaxedPlainCrlf(benchmark::State& s) {
  BodyBench(s, Canon::kRelaxed, false, false);
}
void BM_BodyRelaxedPlainLf(benchmark::State& s) {
  BodyBench(s, Canon::kRelaxed, true, false);
}
BENCHMARK(BM_BodySimpleCrlf);
BENCHMARK(BM_BodySimpleLf);
BENCHMARK(BM_BodyRelaxedCrlf);
BENCHMARK(BM_BodyRelaxedLf);
BENCHMARK(BM_BodyRelaxedPlainCrlf);
BENCHMARK(BM_BodyRelaxedPlainLf);

void BM_RawSha256(benchmark::State& state) {
  const std::string body = MakeBody(1 << 20, false);
  for (auto _ : state) benchmark::DoNotOptimize(HashBytes(DkimHash::kSha256, body));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_RawSha256);

const std::string kHeader =
    "Received: from mx.example.net (mx.example.net [192.0.2.1])\r\n\tby mail.example.org with "
    "ESMTPS"
    " id abc123\r\n\tfor <bob@example.org>; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
    "From: \"Alice Example\" <alice@example.net>\r\nTo: Bob <bob@example.org>,\r\n  Carol "
    "<carol@example.org>\r\nSubject: A   subject line that is\r\n folded over two lines\r\n"
    "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <1234567890@example.net>\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n";

void BM_HeaderRelaxed(benchmark::State& state) {
  HeaderIndex index = HeaderIndex::Build(kHeader);
  std::vector<std::string_view> names = {"from",       "to",           "subject",     "date",
                                         "message-id", "mime-version", "content-type"};
  auto fields = SelectSignedFields(index, names);
  const std::string sig =
      "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; "
      "s=sel; h=from:to:subject:date:message-id:mime-version:content-type; "
      "bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=";
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out;
    AppendHeaderHashInput(Canon::kRelaxed, fields, sig, &out);
    bytes += out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_HeaderRelaxed);

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// A key pair, its DKIM record and a signature over a fixed SHA-256 digest.
struct Fixture {
  EVP_PKEY* priv = nullptr;
  std::string record;
  std::string digest = HashBytes(DkimHash::kSha256, "header hash input");
  std::string signature;

  explicit Fixture(bool ed25519) {
    priv = ed25519 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                   : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
    if (ed25519) {
      unsigned char pub[32];
      size_t len = 32;
      EVP_PKEY_get_raw_public_key(priv, pub, &len);
      record = "v=DKIM1; k=ed25519; p=" + Base64({reinterpret_cast<char*>(pub), len});
    } else {
      unsigned char* der = nullptr;
      const int len = i2d_PUBKEY(priv, &der);
      record = "v=DKIM1; k=rsa; p=" + Base64({reinterpret_cast<char*>(der), size_t(len)});
      OPENSSL_free(der);
    }
    signature = Sign(digest);
  }
  ~Fixture() { EVP_PKEY_free(priv); }

  std::string Sign(std::string_view d) const {
    std::string sig(512, '\0');
    size_t len = sig.size();
    const auto* md = reinterpret_cast<const unsigned char*>(d.data());
    auto* out = reinterpret_cast<unsigned char*>(sig.data());
    if (EVP_PKEY_get_base_id(priv) == EVP_PKEY_ED25519) {
      EVP_MD_CTX* ctx = EVP_MD_CTX_new();
      EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, priv);
      EVP_DigestSign(ctx, out, &len, md, d.size());
      EVP_MD_CTX_free(ctx);
    } else {
      EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(priv, nullptr);
      EVP_PKEY_sign_init(ctx);
      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING);
      EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256());
      EVP_PKEY_sign(ctx, out, &len, md, d.size());
      EVP_PKEY_CTX_free(ctx);
    }
    sig.resize(len);
    return sig;
  }
};

void OursVerify(benchmark::State& state, bool ed25519) {
  Fixture f(ed25519);
  DkimKeyParse key = ParseDkimKeyRecord(f.record);
  for (auto _ : state) {
    if (!VerifyDigestSignature(*key.key, DkimHash::kSha256, f.digest, f.signature)) {
      state.SkipWithError("verification failed");
      break;
    }
  }
}

// Bare OpenSSL with the public key already decoded and the context set up once, as a lower bound.
void RawVerify(benchmark::State& state, bool ed25519) {
  Fixture f(ed25519);
  DkimKeyParse key = ParseDkimKeyRecord(f.record);
  EVP_PKEY* pub = key.key->pkey.get();
  const auto* sig = reinterpret_cast<const unsigned char*>(f.signature.data());
  const auto* md = reinterpret_cast<const unsigned char*>(f.digest.data());
  if (ed25519) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    for (auto _ : state) {
      EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pub);
      if (EVP_DigestVerify(ctx, sig, f.signature.size(), md, f.digest.size()) != 1) {
        state.SkipWithError("verification failed");
        break;
      }
    }
    EVP_MD_CTX_free(ctx);
  } else {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(pub, nullptr);
    EVP_PKEY_verify_init(ctx);
    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING);
    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256());
    for (auto _ : state) {
      if (EVP_PKEY_verify(ctx, sig, f.signature.size(), md, f.digest.size()) != 1) {
        state.SkipWithError("verification failed");
        break;
      }
    }
    EVP_PKEY_CTX_free(ctx);
  }
}
void BM_VerifyRsa2048Ours(benchmark::State& s) {
  OursVerify(s, false);
}
void BM_VerifyRsa2048Raw(benchmark::State& s) {
  RawVerify(s, false);
}
void BM_VerifyEd25519Ours(benchmark::State& s) {
  OursVerify(s, true);
}
void BM_VerifyEd25519Raw(benchmark::State& s) {
  RawVerify(s, true);
}
BENCHMARK(BM_VerifyRsa2048Ours);
BENCHMARK(BM_VerifyRsa2048Raw);
BENCHMARK(BM_VerifyEd25519Ours);
BENCHMARK(BM_VerifyEd25519Raw);

// A whole message: header parse, key from an in-memory zone (cached), relaxed body of ~10 KB,
// header hash and RSA-2048 verification.
void BM_WholeMessageRsa2048(benchmark::State& state) {
  Fixture f(false);
  const std::string body = MakeBody(10 * 1024, false);
  std::string message = kHeader.substr(0, kHeader.size() - 2) + "\r\n" + body;
  HeaderIndex unsigned_index = HeaderIndex::Build(message);
  const BodyHash bh =
      ComputeBodyHash(Canon::kRelaxed, DkimHash::kSha256, std::nullopt, unsigned_index.body());
  const std::string field =
      "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=sel; "
      "h=from:to:subject:date:message-id; bh=" +
      Base64(bh.digest) + "; b=";
  std::vector<std::string_view> names = {"from", "to", "subject", "date", "message-id"};
  const std::string digest = ComputeHeaderHash(Canon::kRelaxed, DkimHash::kSha256,
                                               SelectSignedFields(unsigned_index, names), field);
  message = field + Base64(f.Sign(digest)) + "\r\n" + message;
  MemoryDnsSource dns;
  dns.AddTxt("sel._domainkey.example.net", {f.record});
  DkimOptions options;
  options.verify_time = 1700000000;
  DkimVerifier verifier(&dns, options);
  for (auto _ : state) {
    HeaderIndex index = HeaderIndex::Build(message);
    std::vector<DkimResult> r = verifier.Verify(index);
    if (r.size() != 1 || r[0].result != DkimResultCode::kPass) {
      state.SkipWithError("message did not verify");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * message.size()));
}
BENCHMARK(BM_WholeMessageRsa2048);

}  // namespace
}  // namespace mv

BENCHMARK_MAIN();
