// BigInt: an owning wrapper of a GMP integer (mpz_t) so the key-trust checks can keep moduli in
// vectors and trees without manual mpz_clear calls. Only what those checks need is here.
#pragma once

#include <gmp.h>

#include <string>
#include <string_view>
#include <utility>

namespace mv {

class BigInt {
 public:
  BigInt() { mpz_init(v_); }
  explicit BigInt(unsigned long value) { mpz_init_set_ui(v_, value); }
  BigInt(const BigInt& other) { mpz_init_set(v_, other.v_); }
  BigInt(BigInt&& other) noexcept {
    mpz_init(v_);
    mpz_swap(v_, other.v_);
  }
  BigInt& operator=(const BigInt& other) {
    if (this != &other) mpz_set(v_, other.v_);
    return *this;
  }
  BigInt& operator=(BigInt&& other) noexcept {
    mpz_swap(v_, other.v_);
    return *this;
  }
  ~BigInt() { mpz_clear(v_); }

  // Big-endian unsigned bytes, as OpenSSL and DER give them.
  static BigInt FromBytes(std::string_view bytes);
  // Hexadecimal digits (either case, an optional 0x); false when the text is not hex.
  static bool FromHex(std::string_view hex, BigInt* out);

  mpz_ptr get() { return v_; }
  mpz_srcptr get() const { return v_; }
  size_t bits() const { return mpz_sizeinbase(v_, 2); }
  unsigned long Mod(unsigned long m) const { return mpz_fdiv_ui(v_, m); }
  std::string Hex() const;

  bool operator==(const BigInt& other) const { return mpz_cmp(v_, other.v_) == 0; }
  bool operator<(const BigInt& other) const { return mpz_cmp(v_, other.v_) < 0; }

 private:
  mpz_t v_;
};

}  // namespace mv
