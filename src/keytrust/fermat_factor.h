// Close primes: Fermat's method writes N = a^2 - b^2 = (a-b)(a+b) and finds the factors within a
// few steps from a = ceil(sqrt(N)) when |p - q| is small (roughly below N^(1/4) times the number
// of steps), as happens when a generator picks q as the next prime after p. Böck's "Fermat
// Factorization in the Wild" (2023) found such keys in printers and in public key collections.
#pragma once

#include <cstddef>
#include <optional>

#include "keytrust/big_int.h"

namespace mv {

// A factor of `modulus` found within `steps` Fermat steps, or nullopt.
std::optional<BigInt> FermatFactor(const BigInt& modulus, size_t steps);

}  // namespace mv
