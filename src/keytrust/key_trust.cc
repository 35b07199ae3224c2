#include "keytrust/key_trust.h"

#include <algorithm>
#include <fstream>

#include "keytrust/batch_gcd.h"
#include "keytrust/fermat_factor.h"
#include "keytrust/public_key_facts.h"
#include "keytrust/roca_fingerprint.h"

namespace mv {
namespace {

std::string Join(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : " = ") + n;
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view KeyTrustName(KeyTrustKind kind) {
  switch (kind) {
    case KeyTrustKind::kOk:
      return "ok";
    case KeyTrustKind::kRoca:
      return "roca";
    case KeyTrustKind::kSmall:
      return "small";
    case KeyTrustKind::kClosePrimes:
      return "close-primes";
    case KeyTrustKind::kSharedPrime:
      return "shared-prime";
    case KeyTrustKind::kPublishedPrivateKey:
      return "published-private-key";
  }
  return "ok";
}

Status KeyTrust::LoadKnownModuli(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot read " + path);
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string_view text = line;
    if (const size_t hash = text.find('#'); hash != std::string_view::npos) {
      text = text.substr(0, hash);
    }
    text = Trim(text);
    if (text.empty()) continue;
    BigInt n;
    if (!BigInt::FromHex(text, &n) || mpz_cmp_ui(n.get(), 1) <= 0) {
      return Status::Error(path + ":" + std::to_string(number) + ": not a hexadecimal modulus");
    }
    AddKnownModulus(n, path + ":" + std::to_string(number));
  }
  return Status::Ok();
}

void KeyTrust::AddKnownModulus(const BigInt& modulus, std::string label) {
  auto [it, added] = upfront_index_.emplace(modulus, upfront_.size());
  if (added) upfront_.push_back({modulus, {}});
  upfront_[it->second].labels.insert(std::move(label));
}

void KeyTrust::AddRecord(std::string_view label, std::string_view record) {
  const DkimKeyParse parsed = ParseDkimKeyRecord(record);
  if (parsed.key == nullptr || parsed.key->type != DkimKeyType::kRsa) return;
  PublicKeyFacts facts = FactsOf(*parsed.key);
  if (facts.rsa) AddKnownModulus(facts.modulus, std::string(label));
}

void KeyTrust::Prepare() {
  std::vector<BigInt> moduli;
  moduli.reserve(upfront_.size());
  for (const Modulus& m : upfront_) moduli.push_back(m.n);
  const std::vector<BigInt> gcds = BatchGcd(moduli);
  std::vector<size_t> factored;
  for (size_t i = 0; i < gcds.size(); ++i) {
    if (mpz_cmp_ui(gcds[i].get(), 1) > 0) factored.push_back(i);
  }
  for (size_t i : factored) upfront_partners_[i] = SharedPrimePartners(moduli, i, factored);
  product_ = BigInt(1);
  for (const BigInt& n : moduli) mpz_mul(product_.get(), product_.get(), n.get());
}

std::string KeyTrust::UpfrontLabels(size_t index) const {
  return Join(upfront_[index].labels);
}

std::vector<size_t> KeyTrust::PartnersOf(const BigInt& n) const {
  if (auto it = upfront_index_.find(n); it != upfront_index_.end()) {
    auto partners = upfront_partners_.find(it->second);
    return partners == upfront_partners_.end() ? std::vector<size_t>() : partners->second;
  }
  if (upfront_.empty()) return {};
  // gcd(product mod n, n) > 1 exactly when n shares a prime with an upfront modulus; only then
  // are the upfront moduli searched one by one for which.
  BigInt g;
  mpz_mod(g.get(), product_.get(), n.get());
  mpz_gcd(g.get(), g.get(), n.get());
  if (mpz_cmp_ui(g.get(), 1) <= 0) return {};
  std::vector<size_t> partners;
  for (size_t j = 0; j < upfront_.size(); ++j) {
    mpz_gcd(g.get(), n.get(), upfront_[j].n.get());
    if (mpz_cmp_ui(g.get(), 1) > 0) partners.push_back(j);
  }
  return partners;
}

KeyTrustVerdict KeyTrust::Judge(const PublicKeyFacts& facts) const {
  KeyTrustVerdict v;
  v.fingerprint = facts.fingerprint;
  if (const std::string* listed = compromised_.Find(facts.fingerprint)) {
    v.findings.push_back({KeyTrustKind::kPublishedPrivateKey, "private key is public: " + *listed});
  }
  if (facts.rsa) {
    const BigInt& n = facts.modulus;
    if (std::vector<size_t> partners = PartnersOf(n); !partners.empty()) {
      std::string with;
      for (size_t j : partners) with += (with.empty() ? "" : ", ") + UpfrontLabels(j);
      v.findings.push_back({KeyTrustKind::kSharedPrime,
                            "modulus shares a prime with " + with + ": both are factored"});
    }
    if (FermatFactor(n, options_.fermat_steps)) {
      v.findings.push_back({KeyTrustKind::kClosePrimes,
                            "primes so close that Fermat's method factors the modulus in " +
                                std::to_string(options_.fermat_steps) + " steps or fewer"});
    }
    if (facts.bits < 1024) {
      v.findings.push_back(
          {KeyTrustKind::kSmall, std::to_string(facts.bits) +
                                     "-bit RSA: 512-bit keys are factored in hours, RSA-768 was "
                                     "factored in 2009 (RFC 8301 requires 1024 bits)"});
    }
    if (HasRocaFingerprint(n)) {
      v.findings.push_back({KeyTrustKind::kRoca,
                            "modulus has the Infineon RSALib structure (ROCA, CVE-2017-15361): "
                            "factorable by Coppersmith's method"});
    }
  }
  std::stable_sort(
      v.findings.begin(), v.findings.end(),
      [](const KeyTrustFinding& a, const KeyTrustFinding& b) { return a.kind > b.kind; });
  if (!v.findings.empty()) v.worst = v.findings.front().kind;
  return v;
}

KeyTrustVerdict KeyTrust::Assess(const DkimKey& key, std::string_view label) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = seen_.find(key.record); it != seen_.end()) {
      Seen& seen = it->second;
      if (std::find(seen.labels.begin(), seen.labels.end(), label) == seen.labels.end()) {
        seen.labels.emplace_back(label);
        if (seen.rsa) met_[seen.modulus].emplace(label);
      }
      return seen.verdict;
    }
  }
  // Judged outside the lock: two threads may judge the same new key, which is harmless.
  PublicKeyFacts facts = FactsOf(key);
  KeyTrustVerdict v = Judge(facts);
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, added] = seen_.try_emplace(key.record);
  Seen& seen = it->second;
  if (added) {
    seen.verdict = std::move(v);
    seen.rsa = facts.rsa;
    seen.modulus = std::move(facts.modulus);
  }
  if (std::find(seen.labels.begin(), seen.labels.end(), label) == seen.labels.end()) {
    seen.labels.emplace_back(label);
    if (seen.rsa) met_[seen.modulus].emplace(label);
  }
  return seen.verdict;
}

std::vector<std::string> KeyTrust::LateFindings() const {
  std::vector<BigInt> moduli;
  std::vector<std::set<std::string>> labels;
  std::vector<bool> met;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Modulus& m : upfront_) {
      moduli.push_back(m.n);
      labels.push_back(m.labels);
      met.push_back(false);
    }
    for (const auto& [n, names] : met_) {
      auto it = upfront_index_.find(n);
      const size_t i = it != upfront_index_.end() ? it->second : moduli.size();
      if (i == moduli.size()) {
        moduli.push_back(n);
        labels.emplace_back();
        met.push_back(false);
      }
      labels[i].insert(names.begin(), names.end());
      met[i] = true;
    }
  }
  const std::vector<BigInt> gcds = BatchGcd(moduli);
  std::vector<size_t> factored;
  for (size_t i = 0; i < gcds.size(); ++i) {
    if (mpz_cmp_ui(gcds[i].get(), 1) > 0) factored.push_back(i);
  }
  std::vector<std::string> out;
  for (size_t i : factored) {
    if (!met[i]) continue;
    std::string line = Join(labels[i]) + " shares a prime with ";
    bool first = true;
    for (size_t j : SharedPrimePartners(moduli, i, factored)) {
      line += (first ? "" : ", ") + Join(labels[j]);
      first = false;
    }
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace mv
