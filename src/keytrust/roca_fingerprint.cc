#include "keytrust/roca_fingerprint.h"

#include <bitset>
#include <vector>

namespace mv {
namespace {

constexpr unsigned long kGenerator = 65537;
constexpr unsigned long kLargestPrime = 167;

// For each small odd prime r <= 167: the residues mod r that are powers of 65537 mod r.
struct SubgroupTable {
  struct Entry {
    unsigned long prime;
    std::bitset<kLargestPrime + 1> powers;
  };
  std::vector<Entry> entries;

  SubgroupTable() {
    for (unsigned long r = 3; r <= kLargestPrime; r += 2) {
      bool prime = true;
      for (unsigned long d = 3; d * d <= r; d += 2) prime = prime && r % d != 0;
      if (!prime) continue;
      Entry e{r, {}};
      unsigned long x = 1;
      do {
        e.powers.set(x);
        x = x * (kGenerator % r) % r;
      } while (x != 1);
      entries.push_back(e);
    }
  }
};

}  // namespace

bool HasRocaFingerprint(const BigInt& modulus) {
  static const SubgroupTable table;
  if (mpz_sgn(modulus.get()) <= 0) return false;
  for (const SubgroupTable::Entry& e : table.entries) {
    if (!e.powers.test(modulus.Mod(e.prime))) return false;
  }
  return true;
}

}  // namespace mv
