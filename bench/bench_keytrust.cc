// Key trust: batch GCD (product and remainder trees, keytrust/batch_gcd.h) over 10,000 and 50,000
// 2048-bit moduli, with one and two threads, and the per-key checks (ROCA fingerprint, Fermat
// steps) a scan does once per distinct key. The moduli are random odd 2048-bit numbers: the
// trees' cost depends on the sizes, not on whether the numbers are real
// RSA moduli, and generating 100,000 1024-bit primes would take longer than the benchmark.
// BM_KnownModuliAndRecords: the known moduli of --known-moduli as one outside product plus 1,000
// key records, what a scan's Prepare costs. Counters: s (wall seconds per batch), cpu_s (process
// CPU seconds per batch).
#include <benchmark/benchmark.h>
#include <oneapi/tbb/global_control.h>
#include <time.h>

#include <chrono>
#include <span>
#include <vector>

#include "keytrust/batch_gcd.h"
#include "keytrust/fermat_factor.h"
#include "keytrust/roca_fingerprint.h"

namespace mv {
namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::vector<BigInt> Moduli(size_t count) {
  gmp_randstate_t state;
  gmp_randinit_default(state);
  gmp_randseed_ui(state, 50000);
  std::vector<BigInt> moduli(count);
  for (BigInt& n : moduli) {
    mpz_urandomb(n.get(), state, 2048);
    mpz_setbit(n.get(), 2047);
    mpz_setbit(n.get(), 0);
  }
  gmp_randclear(state);
  return moduli;
}

void BM_BatchGcd(benchmark::State& state) {
  const size_t count = static_cast<size_t>(state.range(0));
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                              static_cast<size_t>(state.range(1)));
  const std::vector<BigInt> moduli = Moduli(count);
  double wall = 0, cpu = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = CpuSeconds();
    std::vector<BigInt> gcds = BatchGcd(moduli);
    benchmark::DoNotOptimize(gcds.data());
    cpu += CpuSeconds() - cpu_start;
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  state.counters["s"] = wall / static_cast<double>(state.iterations());
  state.counters["cpu_s"] = cpu / static_cast<double>(state.iterations());
  state.counters["moduli"] = static_cast<double>(count);
}
BENCHMARK(BM_BatchGcd)
    ->Args({10000, 1})
    ->Args({10000, 2})
    ->Args({50000, 1})
    ->Args({50000, 2})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

// What a scan's Prepare does with --known-moduli: `known` moduli that take part only as partners
// (one product tree, then one division) and `records` key records from zones or --keys (both
// trees). A scan meets hundreds to a few thousand distinct keys; the known set can be large.
void BM_KnownModuliAndRecords(benchmark::State& state) {
  const size_t known = static_cast<size_t>(state.range(0));
  const size_t records = static_cast<size_t>(state.range(1));
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                              static_cast<size_t>(state.range(2)));
  const std::vector<BigInt> all = Moduli(known + records);
  const std::span<const BigInt> known_moduli(all.data(), known);
  const std::span<const BigInt> record_moduli(all.data() + known, records);
  double wall = 0, cpu = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = CpuSeconds();
    const BigInt outside = Product(known_moduli);
    BigInt product;
    std::vector<BigInt> gcds = BatchGcd(record_moduli, &product, &outside);
    benchmark::DoNotOptimize(gcds.data());
    cpu += CpuSeconds() - cpu_start;
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  state.counters["s"] = wall / static_cast<double>(state.iterations());
  state.counters["cpu_s"] = cpu / static_cast<double>(state.iterations());
}
BENCHMARK(BM_KnownModuliAndRecords)
    ->Args({10000, 1000, 1})
    ->Args({10000, 1000, 2})
    ->Args({50000, 1000, 1})
    ->Args({50000, 1000, 2})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

void BM_PerKeyChecks(benchmark::State& state) {
  const std::vector<BigInt> moduli = Moduli(64);
  size_t i = 0;
  for (auto _ : state) {
    const BigInt& n = moduli[i++ % moduli.size()];
    benchmark::DoNotOptimize(HasRocaFingerprint(n));
    benchmark::DoNotOptimize(FermatFactor(n, 100));
  }
}
BENCHMARK(BM_PerKeyChecks)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace mv

BENCHMARK_MAIN();
