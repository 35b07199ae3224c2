// mailverify: entry point. Parses the command line and hands over to the command.
#include <cstdio>
#include <string_view>
#include <vector>

#include "cli/bundle_command.h"
#include "cli/command_help.h"
#include "cli/completion.h"
#include "cli/domains_command.h"
#include "cli/keys_command.h"
#include "cli/options.h"
#include "cli/recover_command.h"
#include "cli/scaleout_commands.h"
#include "cli/scan_command.h"
#include "mailverify/verifier.h"

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  mv::Result<mv::Options> options = mv::ParseOptions(args);
  if (!options.ok()) {
    std::fprintf(stderr, "mailverify: %s\nTry 'mailverify --help'.\n", options.error().c_str());
    return 2;
  }
  options->evidence.command_line.assign(argv, argv + argc);  // for the run manifest
  switch (options->command) {
    case mv::Options::Command::kHelp:
      return mv::RunHelp(*options);
    case mv::Options::Command::kCompletion:
      return mv::RunCompletion(*options);
    case mv::Options::Command::kVersion:
      std::fputs(mv::VersionReport().c_str(), stdout);  // version, commit, library versions
      return 0;
    case mv::Options::Command::kScan:
      return options->scaleout.plan.empty() ? mv::RunScan(*options) : mv::RunPlannedScan(*options);
    case mv::Options::Command::kPlan:
      return mv::RunPlan(*options, args);
    case mv::Options::Command::kMerge:
      return mv::RunMerge(*options);
    case mv::Options::Command::kSlurm:
      return mv::RunSlurm(*options);
    case mv::Options::Command::kDnsSnapshot:
      return mv::RunDnsSnapshot(*options);
    case mv::Options::Command::kRecoverKeys:
      return mv::RunRecoverKeys(*options);
    case mv::Options::Command::kDomains:
      return mv::RunDomains(*options);
    case mv::Options::Command::kKeygen:
      return mv::RunKeygen(*options);
    case mv::Options::Command::kBundle:
      return mv::RunBundle(*options);
    case mv::Options::Command::kKeys:
      return mv::RunKeys(*options);
  }
  return 2;
}
