#include "keytrust/big_int.h"

#include <cctype>
#include <memory>

namespace mv {

BigInt BigInt::FromBytes(std::string_view bytes) {
  BigInt out;
  mpz_import(out.v_, bytes.size(), 1, 1, 1, 0, bytes.data());
  return out;
}

bool BigInt::FromHex(std::string_view hex, BigInt* out) {
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  if (hex.empty()) return false;
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return mpz_set_str(out->v_, std::string(hex).c_str(), 16) == 0;
}

std::string BigInt::Hex() const {
  std::string out(mpz_sizeinbase(v_, 16) + 2, '\0');
  mpz_get_str(out.data(), 16, v_);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

}  // namespace mv
