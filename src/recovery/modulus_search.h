// ModulusSearch: the number theory of key recovery for one key name. For PKCS#1 v1.5, s^e - EM(m)
// is a multiple of the modulus n, so two signatures made with the same key give
// n = gcd(s1^e - EM1, s2^e - EM2) once the small common factors are divided out. The EMs come from
// the header hashes the DKIM verifier computes, so a recovered key verifies exactly what the
// verifier would.
//
// Pairs are tried in a fixed order over the samples sorted by (source, index, field): (0,1), (0,2),
// (1,2), (0,3), ... A pair that includes an altered message (or two signatures made with different
// keys) gives no modulus of the right size; the next pair is tried. A modulus found takes every
// sample it verifies out of the search (its group), and the search goes on with what is left, so a
// selector reused with a new key over the years gives one key per group.
//
// Cost: s^65537 of a 2048-bit s has about 134 million bits and the gcd of two such numbers is what
// takes the time (tens of seconds, see bench/bench_recovery.cc); e = 3 is tried first for each pair
// because it costs microseconds. GMP cannot interrupt a gcd, so the time cap is checked before
// each pair: a search stops at most one gcd after its cap.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "recovery/rsa_key_record.h"
#include "recovery/rsa_signature_sample.h"

namespace mv {

struct ModulusSearchOptions {
  double max_seconds = 600;  // wall-clock cap for one key name, checked before each pair
  std::vector<unsigned long> exponents = {3, 65537};  // tried in this order on each pair
  // Called before each pair with the number of pairs tried so far and keys found; may be empty.
  std::function<void(size_t pairs_tried, size_t keys_found)> on_pair;
};

struct FoundKey {
  RsaPublicNumbers key;
  int bits = 0;
  size_t pair_first = 0, pair_second = 0;  // indexes into the samples searched
  std::vector<size_t> members;  // samples whose RSA equation holds under the key, pair included
};

struct ModulusSearchResult {
  std::vector<FoundKey> keys;
  size_t usable = 0;        // samples taking part: body hash matches, length supported, not a copy
  size_t body_altered = 0;  // left out: bh= does not match the body (the message was changed)
  size_t duplicates = 0;    // left out: the same b= as an earlier sample, so no new information
  size_t bad_length = 0;    // left out: signature length outside 512..4096 bits
  size_t pairs_tried = 0;
  size_t gcds = 0;           // full-size gcds computed (one per exponent per pair)
  double power_seconds = 0;  // computing s^e - EM
  double gcd_seconds = 0;
  double seconds = 0;
  double cpu_seconds = 0;  // CPU time of the searching thread (wall time lies on a busy machine)
  bool time_capped = false;
  std::vector<size_t> unexplained;  // usable samples no found key verifies
};

// `samples` are the signatures of one key name, in any order (the search sorts its own view).
ModulusSearchResult SearchModuli(std::span<const RsaSignatureSample> samples,
                                 const ModulusSearchOptions& options);

// True when `sample` satisfies s^e mod n == EMSA-PKCS1-v1_5(digest) under `key`.
bool RsaEquationHolds(const RsaPublicNumbers& key, const RsaSignatureSample& sample);

}  // namespace mv
