#include "keytrust/batch_gcd.h"

#include <tbb/parallel_for.h>

namespace mv {
namespace {

using Level = std::vector<BigInt>;

// One level up a product tree: above[i] = below[2i] * below[2i + 1]; an odd last node is carried
// up as it is.
Level PairProducts(std::span<const BigInt> below) {
  Level above((below.size() + 1) / 2);
  tbb::parallel_for(size_t{0}, above.size(), [&](size_t i) {
    if (2 * i + 1 < below.size()) {
      mpz_mul(above[i].get(), below[2 * i].get(), below[2 * i + 1].get());
    } else {
      above[i] = below[2 * i];
    }
  });
  return above;
}

// The levels above the moduli, up to one node, the product of everything. The moduli themselves
// are not copied into the tree.
std::vector<Level> ProductLevels(std::span<const BigInt> moduli) {
  std::vector<Level> levels;
  std::span<const BigInt> below = moduli;
  while (below.size() > 1) {
    levels.push_back(PairProducts(below));
    below = levels.back();
  }
  return levels;
}

}  // namespace

BigInt Product(std::span<const BigInt> moduli) {
  if (moduli.empty()) return BigInt(1);
  if (moduli.size() == 1) return moduli.front();
  // Only the product is wanted: each level is dropped once the next is built.
  Level level = PairProducts(moduli);
  while (level.size() > 1) level = PairProducts(level);
  return std::move(level.front());
}

std::vector<BigInt> BatchGcd(std::span<const BigInt> moduli, BigInt* product,
                             const BigInt* outside) {
  std::vector<BigInt> out(moduli.size(), BigInt(1));
  if (moduli.empty()) {
    if (product != nullptr) *product = BigInt(1);
    return out;
  }
  std::vector<Level> tree = ProductLevels(moduli);
  const BigInt& root = tree.empty() ? moduli.front() : tree.back().front();
  if (product != nullptr) *product = root;
  // Remainder tree: going down, each node keeps T mod (node)^2, where T = outside * (product of
  // all the moduli). At a leaf, R / N_i is T / N_i modulo N_i, so gcd(R / N_i, N_i) is the
  // answer. At the root, T mod root^2 = root * (outside mod root): one division, whose cost is
  // that of reading `outside` once, instead of a remainder tree over the outside moduli too.
  Level remainders(1);
  if (outside != nullptr) {
    mpz_tdiv_r(remainders[0].get(), outside->get(), root.get());
    mpz_mul(remainders[0].get(), remainders[0].get(), root.get());
  } else {
    if (moduli.size() == 1) return out;  // nothing else to share a prime with
    remainders[0] = root;
  }
  for (size_t k = tree.size() + 1; k-- > 0;) {
    if (k == tree.size()) continue;  // the root: done above
    const std::span<const BigInt> nodes = k == 0 ? moduli : std::span<const BigInt>(tree[k - 1]);
    Level next(nodes.size());
    tbb::parallel_for(size_t{0}, nodes.size(), [&](size_t i) {
      if (i % 2 == 0 && i + 1 == nodes.size() && k < tree.size()) {
        // Carried up unchanged: its parent is the same number, so is the remainder.
        next[i] = std::move(remainders[i / 2]);
        return;
      }
      BigInt square;
      mpz_mul(square.get(), nodes[i].get(), nodes[i].get());
      mpz_tdiv_r(next[i].get(), remainders[i / 2].get(), square.get());
    });
    remainders = std::move(next);
    if (k < tree.size()) tree[k].clear();  // the level above is no longer needed: free it now
  }
  tbb::parallel_for(size_t{0}, moduli.size(), [&](size_t i) {
    mpz_divexact(remainders[i].get(), remainders[i].get(), moduli[i].get());
    mpz_gcd(out[i].get(), remainders[i].get(), moduli[i].get());
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
