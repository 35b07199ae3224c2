#include "keytrust/key_trust.h"

#include <algorithm>
#include <filesystem>
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
    // The file's base name, not its path: a replay from an evidence bag reads a copy elsewhere
    // and must write the same finding (docs/EVIDENCE.md).
    AddKnownModulus(n, std::filesystem::path(path).filename().string() + ":" +
                           std::to_string(number));
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
  // The product comes from the tree: a running product would cost O(n^2) (a minute for 10,000
  // 2048-bit moduli, where the whole batch GCD takes seconds).
  const std::vector<BigInt> gcds = BatchGcd(moduli, &product_);
  std::vector<size_t> factored;
  for (size_t i = 0; i < gcds.size(); ++i) {
    if (mpz_cmp_ui(gcds[i].get(), 1) > 0) factored.push_back(i);
  }
  for (size_t i : factored) upfront_partners_[i] = SharedPrimePartners(moduli, i, factored);
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

KeyTrustVerdict KeyTrust::Judge(const PublicKeyFacts& facts,
                                std::vector<size_t>* partners_out) const {
  KeyTrustVerdict v;
  v.fingerprint = facts.fingerprint;
  if (const std::string* listed = compromised_.Find(facts.fingerprint)) {
    v.findings.push_back({KeyTrustKind::kPublishedPrivateKey, "private key is public: " + *listed});
  }
  if (facts.rsa) {
    const BigInt& n = facts.modulus;
    *partners_out = PartnersOf(n);
    if (!partners_out->empty()) {
      std::string with;
      for (size_t j : *partners_out) with += (with.empty() ? "" : ", ") + UpfrontLabels(j);
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
  std::vector<size_t> partners;
  KeyTrustVerdict v = Judge(facts, &partners);
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, added] = seen_.try_emplace(key.record);
  Seen& seen = it->second;
  if (added) {
    seen.verdict = std::move(v);
    seen.rsa = facts.rsa;
    seen.modulus = std::move(facts.modulus);
    if (seen.rsa && !upfront_index_.contains(seen.modulus)) {
      met_new_partners_.try_emplace(seen.modulus, std::move(partners));
    }
  }
  if (std::find(seen.labels.begin(), seen.labels.end(), label) == seen.labels.end()) {
    seen.labels.emplace_back(label);
    if (seen.rsa) met_[seen.modulus].emplace(label);
  }
  return seen.verdict;
}

std::vector<std::string> KeyTrust::LateFindings() const {
  // A modulus is referred to as {kUpfront, index into upfront_} or {kFresh, index into fresh}.
  enum Set { kUpfront, kFresh };
  using Ref = std::pair<Set, size_t>;
  std::vector<BigInt> fresh;                            // moduli met that were not upfront
  std::vector<std::set<std::string>> fresh_labels;      // the names each was met at
  std::vector<std::set<Ref>> fresh_with;                // its partners
  std::map<size_t, std::set<std::string>> upfront_met;  // upfront index -> names met at
  std::map<size_t, std::set<Ref>> upfront_with;         // upfront index -> fresh partners
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [n, names] : met_) {
      if (auto up = upfront_index_.find(n); up != upfront_index_.end()) {
        upfront_met[up->second] = names;
        continue;
      }
      const size_t k = fresh.size();
      fresh.push_back(n);
      fresh_labels.push_back(names);
      fresh_with.emplace_back();
      const auto partners = met_new_partners_.find(n);
      if (partners == met_new_partners_.end()) continue;
      for (size_t j : partners->second) {
        fresh_with[k].insert({kUpfront, j});
        upfront_with[j].insert({kFresh, k});
      }
    }
  }
  // Shared primes among the new moduli: the only pairs no earlier check could see.
  const std::vector<BigInt> gcds = BatchGcd(fresh);
  std::vector<size_t> factored;
  for (size_t k = 0; k < gcds.size(); ++k) {
    if (mpz_cmp_ui(gcds[k].get(), 1) > 0) factored.push_back(k);
  }
  for (size_t k : factored) {
    for (size_t m : SharedPrimePartners(fresh, k, factored)) fresh_with[k].insert({kFresh, m});
  }
  auto names = [&](const Ref& ref) {
    if (ref.first == kFresh) return Join(fresh_labels[ref.second]);
    std::set<std::string> all = upfront_[ref.second].labels;
    if (auto met = upfront_met.find(ref.second); met != upfront_met.end())
      all.insert(met->second.begin(), met->second.end());
    return Join(all);
  };
  auto line = [&](const Ref& self, const std::set<Ref>& with) {
    std::string out = names(self);
    out += " shares a prime with ";
    bool first = true;
    for (const Ref& partner : with) {
      if (!first) out += ", ";
      out += names(partner);
      first = false;
    }
    return out;
  };
  std::vector<std::string> out;
  for (const auto& [i, met_names] : upfront_met) {
    std::set<Ref> with = upfront_with[i];
    if (auto known = upfront_partners_.find(i); known != upfront_partners_.end()) {
      for (size_t j : known->second) with.insert({kUpfront, j});
    }
    if (!with.empty()) out.push_back(line({kUpfront, i}, with));
  }
  for (size_t k = 0; k < fresh.size(); ++k) {
    if (!fresh_with[k].empty()) out.push_back(line({kFresh, k}, fresh_with[k]));
  }
  return out;
}

}  // namespace mv
