#include "evidence/build_info.h"

#include <ares.h>
#include <ldns/ldns.h>
#include <oneapi/tbb/version.h>
#include <openssl/crypto.h>
#include <sodium.h>

namespace mv {

BuildInfo CurrentBuildInfo() {
  BuildInfo info;
  info.program = "mailverify";
  info.version = MV_VERSION;
  info.git_commit = MV_GIT_COMMIT;
  info.build_type = MV_BUILD_TYPE;
  // Run-time versions: a shared library upgraded under the binary changes these, and that is what
  // did the work.
  info.libraries = {
      {"openssl", OpenSSL_version(OPENSSL_VERSION_STRING)},
      {"c-ares", ares_version(nullptr)},
      {"ldns", ldns_version()},
      {"onetbb", TBB_runtime_version()},
      {"libsodium", sodium_version_string()},
  };
  return info;
}

}  // namespace mv
