// The key-trust checks on numbers built here with GMP: batch GCD finding planted shared primes
// among thousands of moduli, the ROCA fingerprint on a modulus with the RSALib structure, Fermat on
// close primes, the published-key list, and KeyTrust putting them together. Key archives (JSON and
// CSV --keys files) are read back with their windows.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "dns/key_archive.h"
#include "keytrust/batch_gcd.h"
#include "keytrust/compromised_keys.h"
#include "keytrust/fermat_factor.h"
#include "keytrust/key_trust.h"
#include "keytrust/roca_fingerprint.h"

namespace mv {
namespace {

class Primes {
 public:
  explicit Primes(unsigned long seed) {
    gmp_randinit_default(state_);
    gmp_randseed_ui(state_, seed);
  }
  ~Primes() { gmp_randclear(state_); }

  BigInt Next(unsigned bits) {
    BigInt p;
    mpz_urandomb(p.get(), state_, bits);
    mpz_setbit(p.get(), bits - 1);
    mpz_nextprime(p.get(), p.get());
    return p;
  }
  BigInt Random(unsigned bits) {
    BigInt r;
    mpz_urandomb(r.get(), state_, bits);
    return r;
  }

 private:
  gmp_randstate_t state_;
};

BigInt Times(const BigInt& a, const BigInt& b) {
  BigInt n;
  mpz_mul(n.get(), a.get(), b.get());
  return n;
}

// A prime of the Infineon RSALib form k*M + (65537^a mod M), M the product of the primes < 168.
BigInt RocaPrime(Primes* rng, unsigned bits) {
  BigInt m(1);
  for (unsigned long r = 2; r < 168; ++r) {
    bool prime = true;
    for (unsigned long d = 2; d * d <= r; ++d) prime = prime && r % d != 0;
    if (prime) mpz_mul_ui(m.get(), m.get(), r);
  }
  const unsigned k_bits = bits - static_cast<unsigned>(m.bits());
  for (;;) {
    BigInt a = rng->Random(60), k = rng->Random(k_bits), g(65537), p;
    mpz_setbit(k.get(), k_bits - 1);
    mpz_powm(g.get(), g.get(), a.get(), m.get());
    mpz_mul(p.get(), k.get(), m.get());
    mpz_add(p.get(), p.get(), g.get());
    if (mpz_probab_prime_p(p.get(), 30) > 0) return p;
  }
}

TEST(BatchGcd, FindsPlantedPairsAmongThousands) {
  Primes rng(19);
  std::vector<BigInt> moduli;
  for (int i = 0; i < 2000; ++i) moduli.push_back(Times(rng.Next(256), rng.Next(256)));
  // Three planted pairs and one triple sharing a prime; their positions are spread out.
  const std::vector<std::vector<size_t>> groups = {
      {3, 1500}, {17, 18}, {999, 2000}, {5, 700, 1999}};
  moduli.resize(2001);
  moduli[2000] = BigInt(1);
  for (const auto& group : groups) {
    const BigInt shared = rng.Next(256);
    for (size_t i : group) moduli[i] = Times(shared, rng.Next(256));
  }
  const std::vector<BigInt> gcds = BatchGcd(moduli);
  ASSERT_EQ(gcds.size(), moduli.size());
  std::set<size_t> flagged, planted;
  std::vector<size_t> factored;
  for (size_t i = 0; i < gcds.size(); ++i) {
    if (mpz_cmp_ui(gcds[i].get(), 1) > 0) {
      flagged.insert(i);
      factored.push_back(i);
      EXPECT_EQ(mpz_divisible_p(moduli[i].get(), gcds[i].get()), 1) << i;
    }
  }
  for (const auto& group : groups) planted.insert(group.begin(), group.end());
  EXPECT_EQ(flagged, planted);
  EXPECT_EQ(SharedPrimePartners(moduli, 17, factored), std::vector<size_t>{18});
  EXPECT_EQ(SharedPrimePartners(moduli, 700, factored), (std::vector<size_t>{5, 1999}));
}

TEST(BatchGcd, SmallSetsAndOddCounts) {
  Primes rng(7);
  EXPECT_TRUE(BatchGcd({}).empty());
  const BigInt p = rng.Next(128), q = rng.Next(128), r = rng.Next(128), s = rng.Next(128);
  std::vector<BigInt> one = {Times(p, q)};
  EXPECT_EQ(mpz_cmp_ui(BatchGcd(one)[0].get(), 1), 0);
  std::vector<BigInt> three = {Times(p, q), Times(r, s), Times(p, r)};
  const std::vector<BigInt> g = BatchGcd(three);
  EXPECT_EQ(g[0], p);
  EXPECT_EQ(g[1], r);
  EXPECT_EQ(g[2], Times(p, r));  // both primes shared: the caller asks SharedPrimePartners
}

// Moduli that take part only as partners (--known-moduli) enter as the product `outside`: a
// modulus sharing a prime with one of them, or with another modulus of the set, is found; the
// same sets through the plain two-tree path give the same answers. Odd sizes exercise the
// carried-up nodes of the remainder tree.
TEST(BatchGcd, OutsideProductTakesPartAsPartners) {
  Primes rng(31);
  std::vector<BigInt> outside_moduli, moduli;
  for (int i = 0; i < 301; ++i) outside_moduli.push_back(Times(rng.Next(256), rng.Next(256)));
  for (int i = 0; i < 257; ++i) moduli.push_back(Times(rng.Next(256), rng.Next(256)));
  const BigInt p = rng.Next(256), q = rng.Next(256);
  outside_moduli[150] = Times(p, rng.Next(256));
  moduli[0] = Times(p, rng.Next(256));    // shares with an outside modulus
  moduli[100] = Times(q, rng.Next(256));  // and a pair inside the set
  moduli[256] = Times(q, rng.Next(256));
  const BigInt outside = Product(outside_moduli);
  BigInt product;
  const std::vector<BigInt> gcds = BatchGcd(moduli, &product, &outside);
  EXPECT_EQ(product, Product(moduli));
  std::set<size_t> flagged;
  for (size_t i = 0; i < gcds.size(); ++i) {
    if (mpz_cmp_ui(gcds[i].get(), 1) > 0) flagged.insert(i);
  }
  EXPECT_EQ(flagged, (std::set<size_t>{0, 100, 256}));
  EXPECT_EQ(gcds[0], p);
  EXPECT_EQ(gcds[100], q);
  // The same answers as one batch GCD over everything, for the moduli of the set.
  std::vector<BigInt> all = moduli;
  all.insert(all.end(), outside_moduli.begin(), outside_moduli.end());
  const std::vector<BigInt> together = BatchGcd(all);
  for (size_t i = 0; i < moduli.size(); ++i) EXPECT_EQ(gcds[i], together[i]) << i;
  // One modulus and an outside product: a single gcd.
  const std::vector<BigInt> single =
      BatchGcd(std::span<const BigInt>(moduli).first(1), nullptr, &outside);
  EXPECT_EQ(single[0], p);
}

TEST(Roca, StructuredModulusHasTheFingerprintOrdinaryOnesDoNot) {
  Primes rng(2017);
  EXPECT_TRUE(HasRocaFingerprint(Times(RocaPrime(&rng, 512), RocaPrime(&rng, 512))));
  EXPECT_TRUE(HasRocaFingerprint(Times(RocaPrime(&rng, 256), RocaPrime(&rng, 256))));
  for (int i = 0; i < 200; ++i) {
    EXPECT_FALSE(HasRocaFingerprint(Times(rng.Next(512), rng.Next(512)))) << i;
  }
  EXPECT_FALSE(HasRocaFingerprint(BigInt(0)));
}

TEST(Fermat, FactorsClosePrimesOnly) {
  Primes rng(1643);
  const BigInt p = rng.Next(1024);
  BigInt q = p;
  BigInt gap = rng.Random(500);
  mpz_add(q.get(), q.get(), gap.get());
  mpz_nextprime(q.get(), q.get());
  const std::optional<BigInt> factor = FermatFactor(Times(p, q), 100);
  ASSERT_TRUE(factor);
  EXPECT_TRUE(*factor == p || *factor == q);
  EXPECT_FALSE(FermatFactor(Times(rng.Next(1024), rng.Next(1024)), 100));
  EXPECT_TRUE(FermatFactor(Times(p, p), 1));  // a square
}

TEST(CompromisedKeys, ShippedListParsesAndBadLinesAreNamed) {
  CompromisedKeys keys;
  ASSERT_TRUE(keys.LoadFile(DefaultCompromisedKeysFile()).ok());
  EXPECT_GE(keys.size(), 9u);
  const std::string* rfc =
      keys.Find("dba3f0cb69f06d70e41abc6ac5812bc3d2639a24b621ba5d241202ac89cb7b9c");
  ASSERT_NE(rfc, nullptr);
  EXPECT_NE(rfc->find("RFC 6376"), std::string::npos);
  CompromisedKeys bad;
  Status st = bad.LoadText("# fine\nnot-a-fingerprint key\n", "extra.txt");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message().rfind("extra.txt:2:", 0), 0u) << st.message();
}

// The RFC 6376 Appendix C public key record (the key whose private half the RFC prints).
constexpr const char* kRfc6376Record =
    "v=DKIM1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYt"
    "IxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhi"
    "tdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB";

TEST(KeyTrust, PublishedKeyAndSmallKeyAreBothReportedWorstFirst) {
  KeyTrust trust;
  ASSERT_TRUE(trust.LoadCompromisedKeys(DefaultCompromisedKeysFile()).ok());
  trust.Prepare();
  const DkimKeyParse parsed = ParseDkimKeyRecord(kRfc6376Record);
  ASSERT_NE(parsed.key, nullptr);
  const KeyTrustVerdict v = trust.Assess(*parsed.key, "brisbane._domainkey.example.org");
  EXPECT_EQ(v.worst, KeyTrustKind::kPublishedPrivateKey);
  ASSERT_EQ(v.findings.size(), 1u) << "1024 bits: not small";
  EXPECT_EQ(v.fingerprint, "dba3f0cb69f06d70e41abc6ac5812bc3d2639a24b621ba5d241202ac89cb7b9c");
  // Cached: the same verdict again.
  EXPECT_EQ(trust.Assess(*parsed.key, "other._domainkey.example.org").worst, v.worst);
}

// The key records of the ARC test suite's validation file, whose private halves the suite
// publishes (data/compromised-keys.txt says where): name -> record, joined from the YAML block.
std::map<std::string, std::string> ArcSuiteKeyRecords() {
  std::ifstream in(std::string(MV_TEST_DATA) +
                   "/conformance/arc/valimail-arc_test_suite/arc-draft-validation-tests.yml");
  std::map<std::string, std::string> records;
  std::string line, name;
  while (std::getline(in, line)) {
    if (line.rfind("  ", 0) == 0 && line.find("._domainkey.") != std::string::npos &&
        line.ends_with(": >-")) {
      name = line.substr(2, line.size() - 6);
      records[name].clear();
    } else if (!name.empty() && line.rfind("    ", 0) == 0) {
      records[name] += line.substr(4);
    } else {
      name.clear();
    }
  }
  return records;
}

TEST(KeyTrust, ArcTestSuiteKeysArePublished) {
  KeyTrust trust;
  ASSERT_TRUE(trust.LoadCompromisedKeys(DefaultCompromisedKeysFile()).ok());
  trust.Prepare();
  const std::map<std::string, std::string> records = ArcSuiteKeyRecords();
  for (const char* name : {"512._domainkey.example.org", "1024._domainkey.example.org",
                           "2048._domainkey.example.org", "dummy._domainkey.example.org"}) {
    ASSERT_TRUE(records.contains(name)) << name;
    const DkimKeyParse parsed = ParseDkimKeyRecord(records.at(name));
    ASSERT_NE(parsed.key, nullptr) << name << ": " << parsed.detail;
    const KeyTrustVerdict v = trust.Assess(*parsed.key, name);
    EXPECT_EQ(v.worst, KeyTrustKind::kPublishedPrivateKey) << name;
  }
  // dummy2 is not on the list (no published private half was found for it): ok.
  ASSERT_TRUE(records.contains("dummy2._domainkey.example2.org"));
  const DkimKeyParse other = ParseDkimKeyRecord(records.at("dummy2._domainkey.example2.org"));
  ASSERT_NE(other.key, nullptr);
  EXPECT_EQ(trust.Assess(*other.key, "dummy2").worst, KeyTrustKind::kOk);
}

// DER of an unsigned INTEGER.
std::string DerInteger(const BigInt& v) {
  std::string bytes(mpz_sizeinbase(v.get(), 256) + 1, '\0');
  size_t n = 0;
  mpz_export(bytes.data() + 1, &n, 1, 1, 1, 0, v.get());
  bytes.resize(n + 1);  // the leading zero keeps it positive
  std::string out = "\x02";
  if (bytes.size() < 0x80) {
    out.push_back(static_cast<char>(bytes.size()));
  } else {
    out += "\x82";
    out.push_back(static_cast<char>(bytes.size() >> 8));
    out.push_back(static_cast<char>(bytes.size() & 0xff));
  }
  return out + bytes;
}

// A DKIM key record for modulus n, e = 65537, as a PKCS#1 RSAPublicKey in p=.
DkimKeyParse KeyFor(const BigInt& n) {
  const std::string body = DerInteger(n) + DerInteger(BigInt(65537));
  std::string der = "\x30\x82";
  der.push_back(static_cast<char>(body.size() >> 8));
  der.push_back(static_cast<char>(body.size() & 0xff));
  der += body;
  std::string b64(4 * ((der.size() + 2) / 3) + 1, '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                  reinterpret_cast<const unsigned char*>(der.data()),
                                  static_cast<int>(der.size()));
  b64.resize(static_cast<size_t>(len));
  return ParseDkimKeyRecord("v=DKIM1; k=rsa; p=" + b64);
}

TEST(KeyTrust, KnownModulusSharingAPrimeFlagsAKeyMetLater) {
  Primes rng(3);
  const BigInt shared = rng.Next(520);
  KeyTrust trust;
  trust.AddKnownModulus(Times(shared, rng.Next(520)), "other-run.txt:1");
  for (int i = 0; i < 20; ++i) trust.AddKnownModulus(Times(rng.Next(520), rng.Next(520)), "x");
  trust.Prepare();
  const DkimKeyParse met = KeyFor(Times(shared, rng.Next(520)));
  ASSERT_NE(met.key, nullptr) << met.detail;
  EXPECT_GE(met.key->bits, 1024);  // not "small" as well
  const KeyTrustVerdict v = trust.Assess(*met.key, "s1._domainkey.example.com");
  EXPECT_EQ(v.worst, KeyTrustKind::kSharedPrime);
  ASSERT_EQ(v.findings.size(), 1u);
  EXPECT_NE(v.findings[0].detail.find("other-run.txt:1"), std::string::npos)
      << v.findings[0].detail;

  // Two keys met in the scan sharing a prime only with each other: the first one's verdict
  // cannot know when it is met; the second is checked against the running product of the keys
  // met so far and names the first; from then on the first key's verdict names the second; the
  // end-of-run batch GCD reports both.
  const BigInt p = rng.Next(520);
  const DkimKeyParse a = KeyFor(Times(p, rng.Next(520)));
  const DkimKeyParse b = KeyFor(Times(p, rng.Next(520)));
  const DkimKeyParse c = KeyFor(Times(rng.Next(520), rng.Next(520)));
  EXPECT_EQ(trust.Assess(*a.key, "a._domainkey.example.net").worst, KeyTrustKind::kOk);
  EXPECT_EQ(trust.Assess(*c.key, "c._domainkey.example.net").worst, KeyTrustKind::kOk);
  const KeyTrustVerdict second = trust.Assess(*b.key, "b._domainkey.example.net");
  EXPECT_EQ(second.worst, KeyTrustKind::kSharedPrime);
  ASSERT_EQ(second.findings.size(), 1u);
  EXPECT_NE(second.findings[0].detail.find("a._domainkey.example.net (met earlier in this run)"),
            std::string::npos)
      << second.findings[0].detail;
  const KeyTrustVerdict first_again = trust.Assess(*a.key, "a._domainkey.example.net");
  EXPECT_EQ(first_again.worst, KeyTrustKind::kSharedPrime);
  EXPECT_NE(first_again.findings[0].detail.find("b._domainkey.example.net (met later"),
            std::string::npos);
  EXPECT_EQ(trust.Assess(*c.key, "c._domainkey.example.net").worst, KeyTrustKind::kOk);
  std::vector<std::string> late = trust.LateFindings();
  std::sort(late.begin(), late.end());
  EXPECT_EQ(late, (std::vector<std::string>{
                      "a._domainkey.example.net shares a prime with b._domainkey.example.net",
                      "b._domainkey.example.net shares a prime with a._domainkey.example.net",
                      "s1._domainkey.example.com shares a prime with other-run.txt:1"}));
}

// A key known before the scan and met in it, sharing a prime with a key met later: the later key's
// verdict says so (one division against the upfront product), and the end-of-run lines name the
// pair from both sides although the upfront key's own verdict could not know.
TEST(KeyTrust, LateFindingsPairAnUpfrontKeyMetWithANewOne) {
  Primes rng(11);
  const BigInt p = rng.Next(520);
  KeyTrust trust;
  const BigInt upfront = Times(p, rng.Next(520));
  trust.AddKnownModulus(upfront, "snapshot.zone");
  for (int i = 0; i < 30; ++i) trust.AddKnownModulus(Times(rng.Next(520), rng.Next(520)), "x");
  trust.Prepare();
  EXPECT_EQ(trust.prepared_moduli(), 31u);
  const DkimKeyParse u = KeyFor(upfront);
  const DkimKeyParse fresh = KeyFor(Times(p, rng.Next(520)));
  const DkimKeyParse ordinary = KeyFor(Times(rng.Next(520), rng.Next(520)));
  ASSERT_NE(u.key, nullptr);
  ASSERT_NE(fresh.key, nullptr);
  ASSERT_NE(ordinary.key, nullptr);
  EXPECT_EQ(trust.Assess(*u.key, "u._domainkey.example.org").worst, KeyTrustKind::kOk);
  EXPECT_EQ(trust.Assess(*fresh.key, "f._domainkey.example.org").worst, KeyTrustKind::kSharedPrime);
  EXPECT_EQ(trust.Assess(*ordinary.key, "o._domainkey.example.org").worst, KeyTrustKind::kOk);
  std::vector<std::string> late = trust.LateFindings();
  std::sort(late.begin(), late.end());
  EXPECT_EQ(late, (std::vector<std::string>{
                      "f._domainkey.example.org shares a prime with snapshot.zone = "
                      "u._domainkey.example.org",
                      "snapshot.zone = u._domainkey.example.org shares a prime with "
                      "f._domainkey.example.org"}));
}

// --known-moduli take part only through their product (Prepare): a key record sharing a prime
// with one is still flagged, and so is the known modulus when a signature uses it, with both
// named at the end of the run.
TEST(KeyTrust, KnownModuliAreOnlyPartnersButAreJudgedWhenMet) {
  Primes rng(41);
  const BigInt p = rng.Next(520);
  const BigInt known = Times(p, rng.Next(520));
  const DkimKeyParse record = KeyFor(Times(p, rng.Next(520)));
  const DkimKeyParse known_key = KeyFor(known);
  ASSERT_NE(record.key, nullptr);
  ASSERT_NE(known_key.key, nullptr);
  KeyTrust trust;
  trust.AddKnownModulus(known, "known.txt:1");
  for (int i = 0; i < 9; ++i) trust.AddKnownModulus(Times(rng.Next(520), rng.Next(520)), "x");
  trust.AddRecord("r._domainkey.example.org", record.key->record);
  trust.AddRecord("o._domainkey.example.org",
                  KeyFor(Times(rng.Next(520), rng.Next(520))).key->record);
  trust.Prepare();
  const KeyTrustVerdict rv = trust.Assess(*record.key, "r._domainkey.example.org");
  ASSERT_EQ(rv.worst, KeyTrustKind::kSharedPrime);
  EXPECT_NE(rv.findings[0].detail.find("known.txt:1"), std::string::npos) << rv.findings[0].detail;
  const KeyTrustVerdict kv = trust.Assess(*known_key.key, "k._domainkey.example.org");
  ASSERT_EQ(kv.worst, KeyTrustKind::kSharedPrime);
  EXPECT_NE(kv.findings[0].detail.find("r._domainkey.example.org"), std::string::npos)
      << kv.findings[0].detail;
  std::vector<std::string> late = trust.LateFindings();
  std::sort(late.begin(), late.end());
  EXPECT_EQ(late,
            (std::vector<std::string>{"k._domainkey.example.org = known.txt:1 shares a prime with "
                                      "r._domainkey.example.org",
                                      "r._domainkey.example.org shares a prime with "
                                      "k._domainkey.example.org = known.txt:1"}));
}

// Prepare takes the product of the upfront moduli from the product tree: a key met later is
// checked against it, so a wrong product would miss or invent shared primes.
// "m7" (built by append: GCC 12 warns falsely about `"m" + std::to_string(i)` under -Wrestrict).
std::string Label(char prefix, int i) {
  std::string label(1, prefix);
  label += std::to_string(i);
  return label;
}

TEST(KeyTrust, UpfrontProductMatchesEveryModulus) {
  Primes rng(23);
  std::vector<BigInt> primes;
  for (int i = 0; i < 40; ++i) primes.push_back(rng.Next(520));
  KeyTrust trust;
  for (int i = 0; i < 39; i += 2) {
    trust.AddKnownModulus(Times(primes[i], primes[i + 1]), Label('m', i));
  }
  trust.Prepare();
  // A key met later sharing a prime with each upfront modulus in turn, and one sharing nothing.
  for (int i = 0; i < 39; i += 2) {
    const DkimKeyParse met = KeyFor(Times(primes[i + 1], rng.Next(520)));
    ASSERT_NE(met.key, nullptr);
    const KeyTrustVerdict v = trust.Assess(*met.key, Label('k', i));
    ASSERT_EQ(v.worst, KeyTrustKind::kSharedPrime) << i;
    EXPECT_NE(v.findings[0].detail.find(Label('m', i) + ":"), std::string::npos)
        << v.findings[0].detail;
  }
  const DkimKeyParse none = KeyFor(Times(rng.Next(520), rng.Next(520)));
  EXPECT_EQ(trust.Assess(*none.key, "none").worst, KeyTrustKind::kOk);
}

TEST(KeyTrust, SmallRocaAndClosePrimesKeys) {
  Primes rng(5);
  KeyTrust trust;
  trust.Prepare();
  const DkimKeyParse small = KeyFor(Times(rng.Next(256), rng.Next(256)));
  const KeyTrustVerdict sv = trust.Assess(*small.key, "small._domainkey.example.com");
  EXPECT_EQ(sv.worst, KeyTrustKind::kSmall);
  EXPECT_EQ(sv.findings.size(), 1u);
  const DkimKeyParse roca = KeyFor(Times(RocaPrime(&rng, 1024), RocaPrime(&rng, 1024)));
  const KeyTrustVerdict rv = trust.Assess(*roca.key, "roca._domainkey.example.com");
  EXPECT_EQ(rv.worst, KeyTrustKind::kRoca);
  EXPECT_EQ(rv.findings.size(), 1u);
  // A 512-bit ROCA key is both; "small" is reported first (less work for a forger).
  const DkimKeyParse both = KeyFor(Times(RocaPrime(&rng, 256), RocaPrime(&rng, 256)));
  const KeyTrustVerdict bv = trust.Assess(*both.key, "both._domainkey.example.com");
  EXPECT_EQ(bv.worst, KeyTrustKind::kSmall);
  ASSERT_EQ(bv.findings.size(), 2u);
  EXPECT_EQ(bv.findings[1].kind, KeyTrustKind::kRoca);
  const DkimKeyParse ordinary = KeyFor(Times(rng.Next(1024), rng.Next(1024)));
  EXPECT_EQ(trust.Assess(*ordinary.key, "ok._domainkey.example.com").worst, KeyTrustKind::kOk);
}

TEST(KeyArchive, JsonAndCsvKeepTheirWindows) {
  const std::string json = R"([{"domain": "Example.com", "selector": "s2019",
      "firstSeenAt": "2019-01-01T00:00:00.000Z", "lastSeenAt": "2021-12-31T23:59:59.000Z",
      "value": ")" + std::string(kRfc6376Record) +
                           R"("}])";
  MemoryDnsSource source("keys");
  ASSERT_TRUE(LoadKeyArchiveText(json, "archive.json", false, &source).ok());
  DnsAnswer a = source.Lookup("s2019._domainkey.example.com", DnsType::kTxt);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].JoinedTxt(), kRfc6376Record);
  ASSERT_NE(a.records[0].window, nullptr);
  EXPECT_EQ(a.records[0].window->first_seen, 1546300800);
  EXPECT_EQ(a.records[0].window->last_seen, 1640995199);
  EXPECT_EQ(a.records[0].window->archive, "archive.json");

  const std::string csv =
      "domain,selector,firstSeenAt,lastSeenAt,value\r\n"
      "example.org,old,1546300800,\"2021-12-31T23:59:59Z\",\"" +
      std::string(kRfc6376Record) + "\"\r\n";
  MemoryDnsSource from_csv("keys");
  ASSERT_TRUE(LoadKeyArchiveText(csv, "keys.csv", true, &from_csv).ok());
  DnsAnswer b = from_csv.Lookup("old._domainkey.example.org", DnsType::kTxt);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.records[0].JoinedTxt(), kRfc6376Record);
  EXPECT_EQ(b.records[0].window->last_seen, 1640995199);

  EXPECT_FALSE(LoadKeyArchiveText("[{\"domain\": \"x\"}]", "a.json", false, &source).ok());
  EXPECT_FALSE(LoadKeyArchiveText("{}", "a.json", false, &source).ok());
  EXPECT_FALSE(LoadKeyArchiveText("domain,selector\nx,y\n", "a.csv", true, &source).ok());
}

TEST(KeyArchive, TimesRoundTrip) {
  EXPECT_EQ(ParseArchiveTime("2020-06-01T12:00:00.000Z"), 1591012800);
  EXPECT_EQ(ParseArchiveTime("2020-06-01T14:00:00+02:00"), 1591012800);
  EXPECT_EQ(ParseArchiveTime("1591012800"), 1591012800);
  EXPECT_EQ(ParseArchiveTime("2020-06-01"), 1590969600);
  EXPECT_FALSE(ParseArchiveTime("June 2020"));
  EXPECT_FALSE(ParseArchiveTime(""));
  EXPECT_EQ(FormatArchiveTime(1591012800), "2020-06-01T12:00:00.000Z");
}

}  // namespace
}  // namespace mv
