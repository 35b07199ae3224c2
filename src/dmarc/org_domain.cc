#include "dmarc/org_domain.h"

#include <libpsl.h>
#include <sys/stat.h>

#include "dns/dns_types.h"
#include "util/bounded_cache.h"

namespace mv {
namespace {

// Distinct names remembered; a domain is at most 253 bytes, so this stays under a few MB.
constexpr size_t kOrgDomainCacheCapacity = 16384;

constexpr const char* kDebianList = "/usr/share/publicsuffix/public_suffix_list.dat";
// The same list compiled by the package (psl-make-dafsa): it loads in about 1 ms where parsing the
// text takes about 6, a cost every run pays. Used only when it is not older than the text, so a
// hand-edited text list still wins.
constexpr const char* kDebianDafsa = "/usr/share/publicsuffix/public_suffix_list.dafsa";

bool NotOlderThan(const char* path, const char* other) {
  struct stat a, b;
  if (stat(path, &a) != 0 || stat(other, &b) != 0) return false;
  return a.st_mtim.tv_sec > b.st_mtim.tv_sec ||
         (a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec >= b.st_mtim.tv_nsec);
}

struct LoadedList {
  const psl_ctx_t* ctx = nullptr;
  std::string source;
};

// The list file is read once; the context is immutable afterwards, which is what makes the lookups
// below safe from any thread. It is never freed: it lives as long as the process.
const LoadedList& List() {
  static const LoadedList list = [] {
    LoadedList l;
    if (NotOlderThan(kDebianDafsa, kDebianList)) {
      l.ctx = psl_load_file(kDebianDafsa);
      if (l.ctx != nullptr) {
        l.source = kDebianDafsa;
        return l;
      }
    }
    l.ctx = psl_load_file(kDebianList);
    if (l.ctx != nullptr) {
      l.source = kDebianList;
      return l;
    }
    l.ctx = psl_latest(nullptr);
    if (l.ctx != nullptr) {
      l.source = "libpsl latest";
      return l;
    }
    l.ctx = psl_builtin();
    l.source = "libpsl built-in";
    return l;
  }();
  return list;
}

std::string ComputeOrganizationalDomain(std::string_view domain) {
  std::string name = NormalizeDnsName(domain);
  const LoadedList& list = List();
  if (list.ctx == nullptr || name.empty()) return name;
  const char* registrable = psl_registrable_domain(list.ctx, name.c_str());
  return registrable != nullptr ? std::string(registrable) : name;
}

}  // namespace

std::string OrganizationalDomain(std::string_view domain) {
  // A scan asks for the same few hundred domains (From, each d=, the SPF domain) in every message;
  // libpsl walks the list for each call, the cache answers from a hash map.
  static BoundedCache<std::string> cache(kOrgDomainCacheCapacity);
  return cache.GetOrCompute(domain, ComputeOrganizationalDomain);
}

std::string PublicSuffixListSource() {
  return List().source;
}

}  // namespace mv
