#include "evidence/build_info.h"

#include <ares.h>
#include <bzlib.h>
#include <curl/curl.h>
#include <gmp.h>
#include <ldns/ldns.h>
#include <libolecf.h>
#include <libpff.h>
#include <libpsl.h>
#include <lzma.h>
#include <oneapi/tbb/version.h>
#include <openssl/crypto.h>
#include <sodium.h>
#include <sqlite3.h>
#include <zlib.h>
#include <zstd.h>

#include <mimetic/version.h>

namespace mv {

BuildInfo CurrentBuildInfo() {
  BuildInfo info;
  info.program = "mailverify";
  info.version = MV_VERSION;
  info.git_commit = MV_GIT_COMMIT;
  info.build_type = MV_BUILD_TYPE;
  // Run-time versions, each from the library's own version function or variable: a shared library
  // upgraded under the binary changes these, and that is what did the work. None of these comes
  // from a header macro (docs/EVIDENCE.md lists the function each is read from).
  info.libraries = {
      {"openssl", OpenSSL_version(OPENSSL_VERSION_STRING)},
      {"c-ares", ares_version(nullptr)},
      {"ldns", ldns_version()},
      {"onetbb", TBB_runtime_version()},
      {"libsodium", sodium_version_string()},
      {"libcurl", curl_version_info(CURLVERSION_NOW)->version},
      {"libpff", libpff_get_version()},
      {"libolecf", libolecf_get_version()},
      {"gmp", gmp_version},
      {"libpsl", psl_get_version()},
      {"sqlite", sqlite3_libversion()},
      {"mimetic", mimetic::version.str()},
      {"zlib", zlibVersion()},
      {"liblzma", lzma_version_string()},
      {"zstd", ZSTD_versionString()},
      {"bzip2", BZ2_bzlibVersion()},
  };
  return info;
}

}  // namespace mv
