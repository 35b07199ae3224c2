// DKIM key recovery: seconds per recovered RSA key (e = 65537) for 1024- and 2048-bit keys, with
// one and two threads. Each iteration recovers two keys from two signatures each (two key names,
// one TBB task per name, as `recover-keys` runs them); the keys are made by OpenSSL when the
// program starts and the signatures are OpenSSL's PKCS#1 v1.5 signatures over random digests.
// Counters: s_per_key (wall) and cpu_s_per_key (CPU of the whole process: on a shared machine the
// wall time includes waiting for a core).
#include <benchmark/benchmark.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <vector>

#include "dkim/digest.h"
#include "recovery/modulus_search.h"

namespace mv {
namespace {

constexpr int kKeysPerIteration = 2;

std::string Sign(EVP_PKEY* key, const std::string& digest) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  size_t len = 0;
  const auto* d = reinterpret_cast<const unsigned char*>(digest.data());
  std::string sig;
  if (EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
      EVP_PKEY_CTX_set_signature_md(ctx, DkimHashMd(DkimHash::kSha256)) == 1 &&
      EVP_PKEY_sign(ctx, nullptr, &len, d, digest.size()) == 1) {
    sig.resize(len);
    if (EVP_PKEY_sign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, d, digest.size()) ==
        1) {
      sig.resize(len);
    } else {
      sig.clear();
    }
  }
  EVP_PKEY_CTX_free(ctx);
  return sig;
}

// Two signatures per key name, for kKeysPerIteration key names of `bits` bits.
const std::vector<std::vector<RsaSignatureSample>>& Samples(int bits) {
  static std::map<int, std::vector<std::vector<RsaSignatureSample>>> cache;
  auto& names = cache[bits];
  if (!names.empty()) return names;
  for (int k = 0; k < kKeysPerIteration; ++k) {
    EVP_PKEY* key = EVP_RSA_gen(static_cast<unsigned>(bits));
    std::vector<RsaSignatureSample> samples;
    for (int i = 0; i < 2; ++i) {
      unsigned char data[64];
      RAND_bytes(data, sizeof data);
      RsaSignatureSample s;
      s.key_name = std::to_string(k);
      s.key_name.append("._domainkey.example.org");
      s.hash = DkimHash::kSha256;
      s.digest = HashBytes(DkimHash::kSha256, std::string_view(reinterpret_cast<char*>(data), 64));
      s.signature = Sign(key, s.digest);
      s.body_hash_ok = true;
      s.source = "bench";
      s.index = static_cast<uint64_t>(i);
      samples.push_back(std::move(s));
    }
    EVP_PKEY_free(key);
    names.push_back(std::move(samples));
  }
  return names;
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void BM_RecoverKey(benchmark::State& state) {
  const int bits = static_cast<int>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const auto& names = Samples(bits);
  tbb::global_control cap(tbb::global_control::max_allowed_parallelism,
                          static_cast<size_t>(threads));
  tbb::task_arena arena(threads);
  double wall = 0, cpu = 0;
  int64_t keys = 0;
  for (auto _ : state) {
    std::vector<size_t> found(names.size(), 0);
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = ProcessCpuSeconds();
    arena.execute([&] {
      tbb::parallel_for(size_t{0}, names.size(), [&](size_t i) {
        ModulusSearchOptions options;
        options.exponents = {65537};
        found[i] = SearchModuli(names[i], options).keys.size();
      });
    });
    cpu += ProcessCpuSeconds() - c0;
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (size_t f : found) keys += static_cast<int64_t>(f);
  }
  if (keys != static_cast<int64_t>(state.iterations()) * kKeysPerIteration) {
    state.SkipWithError("a key was not recovered");
    return;
  }
  state.counters["s_per_key"] = wall / static_cast<double>(keys);
  state.counters["cpu_s_per_key"] = cpu / static_cast<double>(keys);
}

BENCHMARK(BM_RecoverKey)
    ->ArgNames({"bits", "threads"})
    ->Args({1024, 1})
    ->Args({1024, 2})
    ->Args({2048, 1})
    ->Args({2048, 2})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
}  // namespace mv

BENCHMARK_MAIN();
