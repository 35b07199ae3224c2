// OptionSpec: one entry of a command-line option table. options.cc holds the general table; a
// feature with several options (evidence_options.cc) keeps its own table beside it.
#pragma once

#include <span>
#include <string_view>

#include "util/status.h"

namespace mv {

struct Options;

struct OptionSpec {
  const char* name;        // long name, without "--"
  char short_name;         // 0 when there is none
  const char* value_name;  // nullptr for a flag
  const char* help;
  // Applies the option; `value` is empty for a flag. Returns a usage error for a bad value.
  Status (*apply)(std::string_view value, Options* options);
  // The fixed values the option takes, space-separated, for shell completion (nullptr: free text).
  // options_test checks that each one is accepted by `apply`.
  const char* choices = nullptr;
};

// The general options (options.cc), for per-command help and completion.
std::span<const OptionSpec> GeneralOptionSpecs();

// The evidence options (--no-hash, --manifest, --bundle..., --pubkey, --tsa-ca, --replay).
std::span<const OptionSpec> EvidenceOptionSpecs();

}  // namespace mv
