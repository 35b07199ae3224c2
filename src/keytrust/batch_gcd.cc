#include "keytrust/batch_gcd.h"

#include <tbb/parallel_for.h>

namespace mv {
namespace {

using Level = std::vector<BigInt>;

// levels[0] are the moduli; levels[k + 1][i] = levels[k][2i] * levels[k][2i + 1] (an odd last node
// is carried up as it is); the last level has one node, the product of everything.
std::vector<Level> ProductTree(std::span<const BigInt> moduli) {
  std::vector<Level> levels;
  levels.emplace_back(moduli.begin(), moduli.end());
  while (levels.back().size() > 1) {
    const Level& below = levels.back();
    Level above((below.size() + 1) / 2);
    tbb::parallel_for(size_t{0}, above.size(), [&](size_t i) {
      if (2 * i + 1 < below.size()) {
        mpz_mul(above[i].get(), below[2 * i].get(), below[2 * i + 1].get());
      } else {
        above[i] = below[2 * i];
      }
    });
    levels.push_back(std::move(above));
  }
  return levels;
}

}  // namespace

std::vector<BigInt> BatchGcd(std::span<const BigInt> moduli, BigInt* product) {
  std::vector<BigInt> out(moduli.size(), BigInt(1));
  if (moduli.size() < 2) {
    if (product != nullptr) *product = moduli.empty() ? BigInt(1) : moduli.front();
    return out;
  }
  std::vector<Level> tree = ProductTree(moduli);
  if (product != nullptr) *product = tree.back().front();
  // Remainder tree: going down, each node keeps (product of everything) mod (node)^2. At a leaf,
  // R / N_i is the product of the others modulo N_i, so gcd(R / N_i, N_i) is the answer.
  Level remainders = std::move(tree.back());
  for (size_t k = tree.size() - 1; k-- > 0;) {
    const Level& nodes = tree[k];
    Level next(nodes.size());
    tbb::parallel_for(size_t{0}, nodes.size(), [&](size_t i) {
      BigInt square;
      mpz_mul(square.get(), nodes[i].get(), nodes[i].get());
      mpz_mod(next[i].get(), remainders[i / 2].get(), square.get());
    });
    remainders = std::move(next);
    tree[k + 1].clear();  // the level above is no longer needed: free it early
  }
  tbb::parallel_for(size_t{0}, moduli.size(), [&](size_t i) {
    BigInt quotient;
    mpz_divexact(quotient.get(), remainders[i].get(), moduli[i].get());
    mpz_gcd(out[i].get(), quotient.get(), moduli[i].get());
  });
  return out;
}

std::vector<size_t> SharedPrimePartners(std::span<const BigInt> moduli, size_t i,
                                        std::span<const size_t> candidates) {
  std::vector<size_t> partners;
  BigInt g;
  for (size_t j : candidates) {
    if (j == i) continue;
    mpz_gcd(g.get(), moduli[i].get(), moduli[j].get());
    if (mpz_cmp_ui(g.get(), 1) > 0) partners.push_back(j);
  }
  return partners;
}

}  // namespace mv
