// Command-line options of the mailverify executable. Parsing is table-driven (see options.cc): an
// option is one table entry naming it, its value, its help line and how it sets Options, so adding
// one never touches the parsing loop.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive_reader.h"
#include "dmarc/dmarc_rules.h"
#include "dns/dns_stack.h"
#include "evidence/evidence_options.h"
#include "imap/imap_options.h"
#include "message/header_index.h"
#include "scaleout/scaleout_options.h"
#include "util/status.h"

namespace mv {

struct Options {
  enum class Command {
    kScan,
    kHelp,
    kVersion,
    kPlan,
    kMerge,
    kSlurm,
    kDnsSnapshot,
    kRecoverKeys,
    kDomains,
    kKeygen,
    kBundle,
    kKeys,       // keys export | keys audit (the first input is the subcommand)
    kCompletion  // completion bash: the shell completion script
  };
  Command command = Command::kScan;
  std::string command_word;         // the command as typed; `scan --help` shows the help of scan
  std::vector<std::string> inputs;  // paths; "-" is stdin
  std::string output;               // empty: stdout
  int threads = 0;                  // 0: one per core
  bool quiet = false;               // no progress line, no summary
  enum class Format { kJsonLines, kAuthResults };
  Format format = Format::kJsonLines;

  // Verification. The verification time is --at: unix seconds or ISO 8601, "received" (each
  // message's topmost Received time) or "now" (the run's start, the default).
  bool at_received = false;
  int64_t at = -1;  // -1: now
  bool strict = false;
  DmarcRulesChoice dmarc_rules = DmarcRulesChoice::kAuto;  // --dmarc-rules
  size_t max_signatures = 20;
  std::vector<std::string> receivers;  // --receiver: the archive owner's MX host patterns
  // Hostile-input limits (docs/SECURITY.md); each default is the module's own.
  size_t max_message_size = size_t{256} << 20;    // --max-message-size
  size_t max_inflight_bytes = size_t{64} << 20;   // --max-inflight-bytes (pipeline ReadAheadBudget)
  MboxVariant mbox_variant = MboxVariant::kAuto;  // --mbox-format
  bool map_files = true;                          // --no-mmap
  HeaderLimits header_limits;                     // --max-header-bytes, --max-header-fields
  size_t max_signed_headers = 1000;               // --max-h-names
  int max_key_bits = 16384;                       // --max-key-bits
  int spf_max_lookups = 10;                       // --spf-max-lookups
  int spf_max_void_lookups = 2;                   // --spf-max-void-lookups
  std::string authserv_id;                        // empty: the host name
  DnsOptions dns;                      // --dns-zone, --dns-record, --keys, --dns-server, ...
  ImapOptions imap;                    // --imap-password-file, --imap-insecure, --imap-timeout
  ScaleoutOptions scaleout;            // plan, merge, slurm, dns-snapshot, scan --plan
  std::vector<InputSpec> input_specs;  // scan --plan: a shard's byte ranges instead of `inputs`
  // Reports (docs/REPORTS.md): scan --db/--html/--progress, domains --db/--json/--top.
  std::string db_file;      // --db: results appended to this SQLite database
  std::string html_file;    // --html: a self-contained HTML report of the run
  bool json = false;        // domains --json
  bool progress = false;    // --progress: plain progress lines when stderr is not a terminal
  size_t top_domains = 20;  // --top: domains in the HTML chart
  // recover-keys: --selector key names (empty: every missing or revoked key), time cap per name.
  std::vector<std::string> recover_selectors;
  double max_seconds_per_key = 600;
  EvidenceOptions evidence;  // hashes, manifest, bundle (docs/EVIDENCE.md)
  // Key trust (src/keytrust/): more published-private-key fingerprints and known moduli for the
  // shared-prime check; scan --keys-export: write the keys used as a key archive JSON.
  std::vector<std::string> compromised_keys_files;
  std::vector<std::string> known_moduli_files;
  std::string keys_export_file;
};

// The archive reader's settings these options ask for (scan and the shard planner must agree).
ArchiveOptions ArchiveOptionsOf(const Options& options);

// Reads a --at value: unix seconds, or ISO 8601 "YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM|-HH:MM]" (UTC
// when no zone is given).
Result<int64_t> ParseTimeValue(std::string_view value);

// Parses the arguments after the program name. A usage error is returned as a Status whose message
// says what is wrong (the caller prints it with a pointer to --help and exits with status 2).
Result<Options> ParseOptions(std::span<const std::string_view> args);

// The text printed by --help.
std::string HelpText();

}  // namespace mv
