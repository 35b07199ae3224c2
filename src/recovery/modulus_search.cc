#include "recovery/modulus_search.h"

#include <gmp.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "recovery/emsa_pkcs1.h"

namespace mv {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMinSignatureBytes = 64;   // 512-bit keys: the smallest anyone deployed
constexpr size_t kMaxSignatureBytes = 512;  // 4096-bit: the largest DKIM allows in practice
constexpr unsigned long kSmallPrimeBound = 1 << 16;
// Extra samples used to strip a large common cofactor off a gcd that came out too long.
constexpr size_t kMaxRefinements = 8;

class BigInt {
 public:
  BigInt() { mpz_init(z_); }
  ~BigInt() { mpz_clear(z_); }
  BigInt(const BigInt&) = delete;
  BigInt& operator=(const BigInt&) = delete;
  mpz_ptr get() { return z_; }
  mpz_srcptr get() const { return z_; }

 private:
  mpz_t z_;
};

void Import(std::string_view bytes, BigInt* out) {
  mpz_import(out->get(), bytes.size(), 1, 1, 1, 0, bytes.data());
}

std::string Export(const BigInt& v) {
  std::string out((mpz_sizeinbase(v.get(), 2) + 7) / 8, '\0');
  size_t written = 0;
  mpz_export(out.data(), &written, 1, 1, 1, 0, v.get());
  out.resize(written);
  return out;
}

const std::vector<unsigned long>& SmallPrimes() {
  static const std::vector<unsigned long> primes = [] {
    std::vector<bool> composite(kSmallPrimeBound, false);
    std::vector<unsigned long> out;
    for (unsigned long p = 2; p < kSmallPrimeBound; ++p) {
      if (composite[p]) continue;
      out.push_back(p);
      for (unsigned long q = p * p; q < kSmallPrimeBound; q += p) composite[q] = true;
    }
    return out;
  }();
  return primes;
}

// An RSA modulus has no small prime factors; a gcd of two multiples of n usually carries a few.
void RemoveSmallFactors(BigInt* g) {
  BigInt p;
  for (unsigned long prime : SmallPrimes()) {
    if (mpz_cmp_ui(g->get(), prime) < 0) break;
    if (mpz_divisible_ui_p(g->get(), prime)) {
      mpz_set_ui(p.get(), prime);
      mpz_remove(g->get(), g->get(), p.get());
    }
  }
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A usable sample as integers: s and EM at the signature's length, plus s^e - EM per exponent,
// computed when a pair first needs it (for e = 65537 each is as large as the gcd inputs).
struct Work {
  size_t sample = 0;
  BigInt s, em;
  std::map<unsigned long, std::unique_ptr<BigInt>> powers;
};

class LengthSearch {
 public:
  LengthSearch(std::vector<std::unique_ptr<Work>> work, size_t bytes,
               const ModulusSearchOptions& options, Clock::time_point start,
               ModulusSearchResult* result)
      : work_(std::move(work)), bytes_(bytes), options_(options), start_(start), result_(result) {}

  void Run() {
    std::vector<size_t> remaining(work_.size());
    for (size_t i = 0; i < remaining.size(); ++i) remaining[i] = i;
    std::set<std::pair<size_t, size_t>> tried;
    bool found = true;
    while (found && remaining.size() >= 2) {
      found = false;
      for (size_t j = 1; j < remaining.size() && !found; ++j) {
        for (size_t i = 0; i < j && !found; ++i) {
          const size_t a = remaining[i], b = remaining[j];
          if (!tried.insert({a, b}).second) continue;
          if (Since(start_) >= options_.max_seconds) {
            result_->time_capped = true;
            Finish(remaining);
            return;
          }
          if (options_.on_pair) options_.on_pair(result_->pairs_tried, result_->keys.size());
          ++result_->pairs_tried;
          for (unsigned long e : options_.exponents) {
            BigInt n;
            if (!TryPair(a, b, e, remaining, &n)) continue;
            TakeGroup(n, e, a, b, &remaining);
            found = true;
            break;
          }
        }
      }
    }
    Finish(remaining);
  }

 private:
  const BigInt& Power(size_t w, unsigned long e) {
    Work& work = *work_[w];
    std::unique_ptr<BigInt>& slot = work.powers[e];
    if (!slot) {
      const Clock::time_point t = Clock::now();
      slot = std::make_unique<BigInt>();
      mpz_pow_ui(slot->get(), work.s.get(), e);
      mpz_sub(slot->get(), slot->get(), work.em.get());
      result_->power_seconds += Since(t);
    }
    return *slot;
  }

  bool PlausibleModulus(const BigInt& n, size_t a, size_t b) const {
    const size_t bits = mpz_sizeinbase(n.get(), 2);
    return bits + 7 >= bytes_ * 8 && bits <= bytes_ * 8 && mpz_odd_p(n.get()) &&
           mpz_cmp(n.get(), work_[a]->s.get()) > 0 && mpz_cmp(n.get(), work_[b]->s.get()) > 0;
  }

  bool TryPair(size_t a, size_t b, unsigned long e, const std::vector<size_t>& remaining,
               BigInt* n) {
    const BigInt& pa = Power(a, e);
    const BigInt& pb = Power(b, e);
    const Clock::time_point t = Clock::now();
    mpz_gcd(n->get(), pa.get(), pb.get());
    result_->gcd_seconds += Since(t);
    ++result_->gcds;
    RemoveSmallFactors(n);
    // A common factor above the trial-division bound leaves n too long; a third multiple of n,
    // reduced modulo the candidate first (cheap), strips it.
    size_t refinements = 0;
    BigInt r, h;
    for (size_t w : remaining) {
      if (mpz_sizeinbase(n->get(), 2) <= bytes_ * 8 || refinements >= kMaxRefinements) break;
      if (w == a || w == b) continue;
      ++refinements;
      mpz_powm_ui(r.get(), work_[w]->s.get(), e, n->get());
      mpz_sub(r.get(), r.get(), work_[w]->em.get());
      mpz_gcd(h.get(), n->get(), r.get());
      RemoveSmallFactors(&h);
      // Only a shorter result that still holds the pair is progress (w may be another key's).
      if (mpz_sizeinbase(h.get(), 2) + 7 >= bytes_ * 8) mpz_set(n->get(), h.get());
    }
    if (!PlausibleModulus(*n, a, b)) return false;
    return Holds(*n, e, a) && Holds(*n, e, b);
  }

  bool Holds(const BigInt& n, unsigned long e, size_t w) const {
    BigInt r;
    mpz_powm_ui(r.get(), work_[w]->s.get(), e, n.get());
    return mpz_cmp(r.get(), work_[w]->em.get()) == 0;
  }

  void TakeGroup(const BigInt& n, unsigned long e, size_t a, size_t b,
                 std::vector<size_t>* remaining) {
    FoundKey key;
    key.key.modulus = Export(n);
    key.key.exponent = e;
    key.bits = static_cast<int>(mpz_sizeinbase(n.get(), 2));
    key.pair_first = work_[a]->sample;
    key.pair_second = work_[b]->sample;
    std::vector<size_t> rest;
    for (size_t w : *remaining) {
      if (Holds(n, e, w)) {
        key.members.push_back(work_[w]->sample);
        work_[w]->powers.clear();  // the big powers of a solved sample are not needed again
      } else {
        rest.push_back(w);
      }
    }
    *remaining = std::move(rest);
    result_->keys.push_back(std::move(key));
  }

  void Finish(const std::vector<size_t>& remaining) {
    for (size_t w : remaining) result_->unexplained.push_back(work_[w]->sample);
    for (auto& w : work_) w->powers.clear();
  }

  std::vector<std::unique_ptr<Work>> work_;
  size_t bytes_;
  const ModulusSearchOptions& options_;
  Clock::time_point start_;
  ModulusSearchResult* result_;
};

}  // namespace

ModulusSearchResult SearchModuli(std::span<const RsaSignatureSample> samples,
                                 const ModulusSearchOptions& options) {
  const Clock::time_point start = Clock::now();
  const double cpu_start = ThreadCpuSeconds();
  ModulusSearchResult result;
  std::vector<size_t> order(samples.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const RsaSignatureSample& a = samples[x];
    const RsaSignatureSample& b = samples[y];
    return std::tie(a.source, a.index, a.field) < std::tie(b.source, b.index, b.field);
  });

  // One search per signature length: a key's signatures all have its modulus length.
  std::map<size_t, std::vector<std::unique_ptr<Work>>> by_length;
  std::set<std::string_view> seen;
  for (size_t i : order) {
    const RsaSignatureSample& sample = samples[i];
    if (!sample.body_hash_ok) {
      ++result.body_altered;
      continue;
    }
    const size_t bytes = sample.signature.size();
    Result<std::string> em = EncodeEmsaPkcs1v15(sample.hash, sample.digest, bytes);
    if (bytes < kMinSignatureBytes || bytes > kMaxSignatureBytes || !em.ok()) {
      ++result.bad_length;
      continue;
    }
    if (!seen.insert(sample.signature).second) {
      ++result.duplicates;
      continue;
    }
    auto work = std::make_unique<Work>();
    work->sample = i;
    Import(sample.signature, &work->s);
    Import(*em, &work->em);
    by_length[bytes].push_back(std::move(work));
    ++result.usable;
  }
  for (auto& [bytes, work] : by_length) {
    LengthSearch search(std::move(work), bytes, options, start, &result);
    search.Run();
  }
  result.seconds = Since(start);
  result.cpu_seconds = ThreadCpuSeconds() - cpu_start;
  return result;
}

bool RsaEquationHolds(const RsaPublicNumbers& key, const RsaSignatureSample& sample) {
  Result<std::string> em = EncodeEmsaPkcs1v15(sample.hash, sample.digest, sample.signature.size());
  if (!em.ok() || key.modulus.empty()) return false;
  BigInt n, s, m, r;
  Import(key.modulus, &n);
  Import(sample.signature, &s);
  Import(*em, &m);
  if (mpz_cmp(s.get(), n.get()) >= 0) return false;
  mpz_powm_ui(r.get(), s.get(), key.exponent, n.get());
  return mpz_cmp(r.get(), m.get()) == 0;
}

}  // namespace mv
