// Batch GCD (Bernstein's product and remainder trees, as used by Heninger, Durumeric, Wustrow and
// Halderman, "Mining Your Ps and Qs", USENIX Security 2012): for every modulus N_i of a set,
// gcd(N_i, product of all the others) in quasi-linear time instead of one gcd per pair. A result
// above 1 means N_i shares a prime with another modulus of the set and is factored.
//
// Cost: the product tree's top is as large as all the moduli together (50,000 2048-bit moduli:
// 100 Mbit), and each level of both trees is one pass of GMP's fast multiplication or division over
// that size; the divisions of the remainder tree are about 85% of the time. Levels are split over
// threads. bench/bench_keytrust.cc and bench/README.md measure it.
#pragma once

#include <span>
#include <vector>

#include "keytrust/big_int.h"

namespace mv {

// For each modulus, gcd(N_i, outside * prod_{j != i} N_j); `outside` (when given) is the product
// of moduli that take part only as partners, e.g. --known-moduli: they cost one division at the
// root instead of a place in both trees. The moduli should be distinct (a modulus listed twice
// shares everything with its copy). A result equal to N_i means both of its primes occur
// elsewhere; SharedPrimePartners then tells which. `product`, when given, receives the product of
// the moduli (the product tree's root, so a caller needs no quadratic running product).
std::vector<BigInt> BatchGcd(std::span<const BigInt> moduli, BigInt* product = nullptr,
                             const BigInt* outside = nullptr);

// The product of the moduli (1 for none), by a product tree: quasi-linear, where multiplying them
// in turn is quadratic.
BigInt Product(std::span<const BigInt> moduli);

// The indexes j != i of `moduli` with gcd(N_i, N_j) > 1, by pairwise gcd over `candidates` (the
// moduli BatchGcd found factored: partners are always among them).
std::vector<size_t> SharedPrimePartners(std::span<const BigInt> moduli, size_t i,
                                        std::span<const size_t> candidates);

}  // namespace mv
