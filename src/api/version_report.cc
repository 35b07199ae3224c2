// VersionReport: `mailverify --version` and embedding programs print the same lines, taken from
// the build facts the run manifest records (evidence/build_info.h).
#include "evidence/build_info.h"
#include "mailverify/verifier.h"

namespace mv {

std::string VersionReport() {
  const BuildInfo info = CurrentBuildInfo();
  std::string out = info.program + " " + info.version + "\n";
  out += "commit " + info.git_commit + "\n";
  out += "build " + info.build_type + "\n";
  for (const auto& [name, version] : info.libraries) out += name + " " + version + "\n";
  return out;
}

}  // namespace mv
