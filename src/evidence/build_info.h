// BuildInfo: who made a result — the program, its version and commit, the build type and the
// run-time versions of the libraries that read, parsed, resolved and verified — for the run
// manifest (and `mailverify --version`).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mv {

struct BuildInfo {
  std::string program;     // "mailverify"
  std::string version;     // the project version
  std::string git_commit;  // at configure time; "-dirty" when tracked files differed
  std::string build_type;  // CMAKE_BUILD_TYPE
  // Library name and the version linked at run time (not the headers'), in a fixed order.
  std::vector<std::pair<std::string, std::string>> libraries;
};

BuildInfo CurrentBuildInfo();

}  // namespace mv
