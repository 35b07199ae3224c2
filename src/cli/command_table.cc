#include "cli/command_table.h"

namespace mv {
namespace {

// Option groups shared by several commands. `plan` stores its command line for the shards to parse
// again, and `keys export` runs a scan, so both take the scan's verification, input and DNS
// options.
constexpr const char* kScanOptions[] = {
    // output
    "output", "threads", "quiet", "format", "progress",
    // verification
    "at", "dmarc-rules", "strict", "max-signatures", "receiver", "authserv-id", "max-h-names",
    "max-key-bits", "spf-max-lookups", "spf-max-void-lookups", "compromised-keys", "known-moduli",
    // input
    "max-message-size", "mbox-format", "no-mmap", "imap-password-file", "imap-insecure",
    "imap-plaintext", "imap-timeout", "max-header-bytes", "max-header-fields", "max-inflight-bytes",
    // DNS
    "dns-zone", "dns-record", "keys", "dns-server", "dns-timeout", "dns-max-cname",
    "dns-max-answer", "dns-concurrency", "dns-min-ttl", "dns-max-ttl",
    // reports and evidence
    "db", "html", "top", "keys-export", "no-hash", "manifest", "bundle", "bundle-info",
    "bundle-sign",
    // a shard of a plan
    "plan", "shard-index", "shard-count"};

constexpr const char* kPlanOptions[] = {"shards",
                                        "output",
                                        "threads",
                                        "quiet",
                                        "at",
                                        "dmarc-rules",
                                        "strict",
                                        "max-signatures",
                                        "receiver",
                                        "authserv-id",
                                        "max-h-names",
                                        "max-key-bits",
                                        "spf-max-lookups",
                                        "spf-max-void-lookups",
                                        "compromised-keys",
                                        "known-moduli",
                                        "max-message-size",
                                        "mbox-format",
                                        "no-mmap",
                                        "max-header-bytes",
                                        "max-header-fields",
                                        "max-inflight-bytes",
                                        "dns-zone",
                                        "keys",
                                        "dns-server",
                                        "dns-timeout",
                                        "dns-max-cname",
                                        "dns-max-answer",
                                        "dns-concurrency",
                                        "dns-min-ttl",
                                        "dns-max-ttl",
                                        "no-hash"};

// dns-snapshot runs the whole verification once with every answer recorded, so whatever changes
// which names are looked up (time, receivers, limits, inputs) applies.
constexpr const char* kDnsSnapshotOptions[] = {"plan",
                                               "output",
                                               "quiet",
                                               "threads",
                                               "at",
                                               "dmarc-rules",
                                               "strict",
                                               "max-signatures",
                                               "receiver",
                                               "authserv-id",
                                               "max-h-names",
                                               "max-key-bits",
                                               "spf-max-lookups",
                                               "spf-max-void-lookups",
                                               "max-message-size",
                                               "mbox-format",
                                               "no-mmap",
                                               "imap-password-file",
                                               "imap-insecure",
                                               "imap-plaintext",
                                               "imap-timeout",
                                               "max-header-bytes",
                                               "max-header-fields",
                                               "max-inflight-bytes",
                                               "keys",
                                               "dns-server",
                                               "dns-timeout",
                                               "dns-max-cname",
                                               "dns-max-answer",
                                               "dns-concurrency",
                                               "dns-min-ttl",
                                               "dns-max-ttl"};

constexpr const char* kMergeOptions[] = {"plan", "output", "db", "quiet"};

constexpr const char* kSlurmOptions[] = {"plan",   "tasks",  "throttle",
                                         "submit", "output", "threads"};

// recover-keys reads the inputs with its own signature collector (no archive options) and asks DNS
// only which keys are gone.
constexpr const char* kRecoverKeysOptions[] = {
    // recovery
    "dns-zone", "selector", "max-seconds-per-key", "out", "output", "threads", "at", "quiet",
    "progress",
    // DNS: which keys are gone
    "keys", "dns-record", "dns-server", "dns-timeout", "dns-max-cname", "dns-max-answer",
    "dns-concurrency", "dns-min-ttl", "dns-max-ttl"};

constexpr const char* kDomainsOptions[] = {
    "db",         "json",        "output",        "dns-zone",       "keys",
    "dns-server", "dns-timeout", "dns-max-cname", "dns-max-answer", "dns-concurrency",
    "dns-record", "dns-min-ttl", "dns-max-ttl"};

constexpr const char* kBundleOptions[] = {"pubkey", "tsa-ca", "replay", "output"};

constexpr const char* kKeysOptions[] = {
    // audit
    "keys", "dns-zone", "known-moduli", "compromised-keys", "output",
    // export runs a scan
    "threads", "quiet", "at", "dmarc-rules", "strict", "max-signatures", "receiver", "authserv-id",
    "max-h-names", "max-key-bits", "max-message-size", "mbox-format", "no-mmap",
    "imap-password-file", "imap-insecure", "imap-plaintext", "imap-timeout", "max-header-bytes",
    "max-header-fields", "max-inflight-bytes", "dns-record", "dns-server", "dns-timeout",
    "dns-max-cname", "dns-max-answer", "dns-concurrency", "dns-min-ttl", "dns-max-ttl"};

constexpr const char* kCompletionOptions[] = {"output"};

using Operands = CommandSpec::Operands;

constexpr CommandSpec kCommands[] = {
    {"scan",
     "scan [OPTIONS] PATH...\nscan --plan plan.json [--shard-index I --shard-count T] -o DIR",
     "verify every message of mbox files, Maildir trees, .eml files, stores or IMAP URLs", "",
     Operands::kFiles, kScanOptions},
    {"plan", "plan PATH... --shards N --dns-zone FILE [--at TIME] -o plan.json",
     "cut the inputs into shards for a scan spread over many machines", "", Operands::kFiles,
     kPlanOptions},
    {"dns-snapshot", "dns-snapshot (PATH... | --plan plan.json) [-o snapshot.zone]",
     "look up every DNS name the inputs need once and write a zone file for offline scans", "",
     Operands::kFiles, kDnsSnapshotOptions},
    {"merge", "merge --plan plan.json PARTS_DIR -o results.jsonl [--db FILE]",
     "join the shards' results in input order", "", Operands::kDirectories, kMergeOptions},
    {"slurm", "slurm --plan plan.json --tasks T [--throttle K] [--submit]",
     "write (or submit) the Slurm job array that scans a plan's shards", "", Operands::kNone,
     kSlurmOptions},
    {"recover-keys", "recover-keys (--dns-zone FILE | --selector NAME...) [--out FILE] PATH...",
     "recover RSA DKIM keys that DNS no longer has from the signatures themselves", "",
     Operands::kFiles, kRecoverKeysOptions},
    {"domains", "domains (--db FILE [DOMAIN...] | DOMAIN...) [--json] [DNS options]",
     "audit the SPF, DMARC, MX and DKIM keys of sender domains", "", Operands::kNone,
     kDomainsOptions},
    {"keygen",
     "keygen KEYFILE      (writes KEYFILE, secret, and KEYFILE.pub)",
     "make an Ed25519 key pair for signing evidence bundles",
     "",
     Operands::kFiles,
     {}},
    {"bundle",
     "bundle verify DIR [--pubkey FILE] [--tsa-ca FILE] [--replay]\n"
     "bundle timestamp-request DIR -o req.tsq\nbundle add-timestamp DIR resp.tsr",
     "check, timestamp or re-run an evidence bundle written by scan --bundle",
     "verify timestamp-request add-timestamp", Operands::kFiles, kBundleOptions},
    {"keys",
     "keys export [scan options] PATH... [-o keys.json]\n"
     "keys audit (--keys FILE | --dns-zone FILE | --known-moduli FILE)...",
     "export the DKIM keys an archive used, or audit key files for weak or shared keys",
     "export audit", Operands::kFiles, kKeysOptions},
    {"help",
     "help [COMMAND]",
     "show the help of mailverify or of one command",
     "",
     Operands::kCommands,
     {}},
    {"completion", "completion bash [-o FILE]",
     "print the bash completion script (installed as bash-completion/completions/mailverify)", "",
     Operands::kShells, kCompletionOptions},
};

constexpr const char* kGlobalOptions[] = {"help", "version"};

}  // namespace

std::span<const CommandSpec> Commands() {
  return kCommands;
}

const CommandSpec* FindCommand(std::string_view name) {
  for (const CommandSpec& command : kCommands) {
    if (name == command.name) return &command;
  }
  return nullptr;
}

std::span<const char* const> GlobalOptionNames() {
  return kGlobalOptions;
}

const OptionSpec* FindOptionSpec(std::string_view long_name) {
  const OptionSpec* found = nullptr;
  ForEachOptionSpec([&](const OptionSpec& spec) {
    if (found == nullptr && long_name == spec.name) found = &spec;
  });
  return found;
}

}  // namespace mv
