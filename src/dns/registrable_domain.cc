#include "dns/registrable_domain.h"

#include <libpsl.h>

#include "dns/dns_types.h"

namespace mv {
namespace {

const psl_ctx_t* PublicSuffixList() {
  // psl_builtin() is null when libpsl was built without a list; psl_latest(NULL) then loads the
  // newest installed one. Loaded once and never freed: it lives as long as the process.
  static const psl_ctx_t* const psl = [] {
    const psl_ctx_t* builtin = psl_builtin();
    return builtin != nullptr ? builtin : static_cast<const psl_ctx_t*>(psl_latest(nullptr));
  }();
  return psl;
}

}  // namespace

std::string RegistrableDomain(std::string_view name) {
  std::string normalized = NormalizeDnsName(name);
  const psl_ctx_t* psl = PublicSuffixList();
  if (psl == nullptr) return normalized;
  const char* registrable = psl_registrable_domain(psl, normalized.c_str());
  return registrable != nullptr ? std::string(registrable) : normalized;
}

}  // namespace mv
