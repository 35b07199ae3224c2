// The evidence options' table (docs/EVIDENCE.md), kept out of options.cc's general table.
#include "cli/option_spec.h"
#include "cli/options.h"

namespace mv {
namespace {

constexpr OptionSpec kEvidenceOptions[] = {
    {"no-hash", 0, nullptr, "scan: no per-message sha256 in the records",
     [](std::string_view, Options* o) {
       o->evidence.message_hashes = false;
       return Status::Ok();
     }},
    {"manifest", 0, "FILE",
     "scan: write a JSON run manifest (program, options, inputs' hashes, results' hash) to FILE",
     [](std::string_view v, Options* o) {
       o->evidence.manifest_file = std::string(v);
       return Status::Ok();
     }},
    {"bundle", 0, "DIR",
     "scan: write a BagIt evidence bag DIR: results, DNS evidence, keys, manifest, checksums",
     [](std::string_view v, Options* o) {
       o->evidence.bundle_dir = std::string(v);
       return Status::Ok();
     }},
    {"bundle-info", 0, "KEY=VALUE", "scan --bundle: a bag-info.txt line (repeatable)",
     [](std::string_view v, Options* o) {
       o->evidence.bundle_info.emplace_back(v);
       return Status::Ok();
     }},
    {"bundle-sign", 0, "KEY", "scan --bundle: sign the bag with this Ed25519 key (from keygen)",
     [](std::string_view v, Options* o) {
       o->evidence.signing_key = std::string(v);
       return Status::Ok();
     }},
    {"pubkey", 0, "FILE", "bundle verify: the signer's Ed25519 public key",
     [](std::string_view v, Options* o) {
       o->evidence.public_key = std::string(v);
       return Status::Ok();
     }},
    {"tsa-ca", 0, "FILE", "bundle verify: PEM CA certificates the timestamp authority chains to",
     [](std::string_view v, Options* o) {
       o->evidence.tsa_ca = std::string(v);
       return Status::Ok();
     }},
    {"replay", 0, nullptr,
     "bundle verify: re-run the scan offline from the bag and compare the results byte for byte",
     [](std::string_view, Options* o) {
       o->evidence.replay = true;
       return Status::Ok();
     }},
};

}  // namespace

std::span<const OptionSpec> EvidenceOptionSpecs() {
  return kEvidenceOptions;
}

}  // namespace mv
