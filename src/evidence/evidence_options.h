// EvidenceOptions: the command-line settings of the evidence features (docs/EVIDENCE.md):
// per-message hashes, the run manifest, the bag and its signature, and `bundle verify`'s inputs.
#pragma once

#include <string>
#include <vector>

namespace mv {

struct EvidenceOptions {
  bool message_hashes = true;             // --no-hash turns the per-message sha256 off
  std::string manifest_file;              // --manifest FILE
  std::string bundle_dir;                 // --bundle DIR
  std::vector<std::string> bundle_info;   // --bundle-info KEY=VALUE (repeatable)
  std::string signing_key;                // --bundle-sign KEY
  std::string public_key;                 // bundle verify --pubkey FILE
  std::string tsa_ca;                     // bundle verify --tsa-ca FILE
  bool replay = false;                    // bundle verify --replay
  std::vector<std::string> command_line;  // argv, for the manifest (set by main)
};

}  // namespace mv
