#include "keytrust/fermat_factor.h"

namespace mv {

std::optional<BigInt> FermatFactor(const BigInt& modulus, size_t steps) {
  if (mpz_sgn(modulus.get()) <= 0 || mpz_even_p(modulus.get())) return std::nullopt;
  BigInt a, b2, b;
  // a = ceil(sqrt(N)); b2 = a^2 - N, then stepping a by one adds 2a + 1 to b2.
  mpz_sqrtrem(a.get(), b2.get(), modulus.get());
  if (mpz_sgn(b2.get()) == 0) return a;  // a perfect square: p == q
  mpz_add_ui(a.get(), a.get(), 1);
  mpz_mul(b2.get(), a.get(), a.get());
  mpz_sub(b2.get(), b2.get(), modulus.get());
  for (size_t i = 0; i < steps; ++i) {
    if (mpz_perfect_square_p(b2.get())) {
      mpz_sqrt(b.get(), b2.get());
      BigInt factor;
      mpz_sub(factor.get(), a.get(), b.get());
      if (mpz_cmp_ui(factor.get(), 1) > 0) return factor;
      return std::nullopt;  // N = 1 * N: a prime, nothing to report
    }
    mpz_addmul_ui(b2.get(), a.get(), 2);
    mpz_add_ui(b2.get(), b2.get(), 1);
    mpz_add_ui(a.get(), a.get(), 1);
  }
  return std::nullopt;
}

}  // namespace mv
