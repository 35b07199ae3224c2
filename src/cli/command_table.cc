#include "cli/command_table.h"

#include <algorithm>
#include <array>

namespace mv {
namespace {

// Joins option groups into one command's list at compile time.
template <size_t... N>
constexpr std::array<const char*, (N + ...)> Join(const std::array<const char*, N>&... groups) {
  std::array<const char*, (N + ...)> out{};
  size_t at = 0;
  ((std::copy(groups.begin(), groups.end(), out.begin() + at), at += N), ...);
  return out;
}

template <class... Names>
constexpr std::array<const char*, sizeof...(Names)> Group(Names... names) {
  return {names...};
}

// Option groups shared by several commands, so that an option added to a group reaches every
// command that runs the same machinery. `plan` stores its command line for the shards to parse
// again, `dns-snapshot` runs the whole verification once with every answer recorded, and
// `keys export` runs a scan: all take the scan's verification, input and DNS options.
constexpr auto kVerification =
    Group("at", "dmarc-rules", "strict", "max-signatures", "receiver", "authserv-id", "max-h-names",
          "max-key-bits", "spf-max-lookups", "spf-max-void-lookups");
constexpr auto kKeyTrust = Group("compromised-keys", "known-moduli");
constexpr auto kArchive = Group("max-message-size", "mbox-format", "no-mmap", "max-header-bytes",
                                "max-header-fields", "max-inflight-bytes");
constexpr auto kImap =
    Group("imap-password-file", "imap-insecure", "imap-plaintext", "imap-timeout");
constexpr auto kLiveDns = Group("dns-server", "dns-timeout", "dns-max-cname", "dns-max-answer",
                                "dns-concurrency", "dns-min-ttl", "dns-max-ttl");

constexpr auto kScanOptions =
    Join(Group("output", "threads", "quiet", "format", "progress"), kVerification, kKeyTrust,
         kArchive, kImap, Group("dns-zone", "dns-record", "keys"), kLiveDns,
         // reports and evidence
         Group("db", "html", "top", "keys-export", "no-hash", "manifest", "bundle", "bundle-info",
               "bundle-sign"),
         // a shard of a plan
         Group("plan", "shard-index", "shard-count"));

constexpr auto kPlanOptions =
    Join(Group("shards", "output", "threads", "quiet"), kVerification, kKeyTrust, kArchive,
         Group("dns-zone", "keys"), kLiveDns, Group("no-hash"));

constexpr auto kDnsSnapshotOptions = Join(Group("plan", "output", "quiet", "threads"),
                                          kVerification, kArchive, kImap, Group("keys"), kLiveDns);

constexpr const char* kMergeOptions[] = {"plan", "output", "db", "quiet"};

constexpr const char* kSlurmOptions[] = {"plan",   "tasks",  "throttle",
                                         "submit", "output", "threads"};

// recover-keys reads the inputs with its own signature collector (no archive options) and asks DNS
// only which keys are gone.
constexpr auto kRecoverKeysOptions =
    Join(Group("dns-zone", "selector", "max-seconds-per-key", "out", "output", "threads", "at",
               "quiet", "progress"),
         // DNS: which keys are gone
         Group("keys", "dns-record"), kLiveDns);

constexpr auto kDomainsOptions =
    Join(Group("db", "json", "output", "dns-zone", "keys", "dns-record"), kLiveDns);

constexpr const char* kBundleOptions[] = {"pubkey", "tsa-ca", "replay", "output"};

constexpr auto kKeysOptions =
    Join(Group("keys", "dns-zone", "known-moduli", "compromised-keys", "output"),
         // export runs a scan
         Group("threads", "quiet"), kVerification, kArchive, kImap, Group("dns-record"), kLiveDns);

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
