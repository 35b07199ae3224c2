#include "cli/options.h"

#include <charconv>
#include <utility>

#include "cli/command_help.h"
#include "cli/option_spec.h"
#include "imap/imap_url.h"
#include "util/civil_date.h"

namespace mv {
namespace {

Status ParseThreads(std::string_view value, Options* o) {
  int n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < 1 || n > 4096) {
    return Status::Error("--threads wants a whole number from 1 to 4096, not '" +
                         std::string(value) + "'");
  }
  o->threads = n;
  return Status::Ok();
}

Status ParseCount(std::string_view option, std::string_view value, long min, long max, long* out) {
  long n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < min || n > max) {
    return Status::Error("--" + std::string(option) + " wants a whole number from " +
                         std::to_string(min) + " to " + std::to_string(max) + ", not '" +
                         std::string(value) + "'");
  }
  *out = n;
  return Status::Ok();
}

// Parses a whole number in [min, max] for option `name` into `*field`.
template <class T>
Status SetCount(std::string_view name, std::string_view value, long min, long max, T* field) {
  long n = 0;
  Status s = ParseCount(name, value, min, max, &n);
  if (s.ok()) *field = static_cast<T>(n);
  return s;
}

Status ParseScaleoutCount(std::string_view option, std::string_view v, long min, int64_t* out) {
  long n = 0;
  Status s = ParseCount(option, v, min, 1L << 40, &n);
  *out = n;
  return s;
}

Status ParseAt(std::string_view value, Options* o) {
  if (value == "received") {
    o->at_received = true;
    return Status::Ok();
  }
  if (value == "now") {
    o->at_received = false;
    o->at = -1;
    return Status::Ok();
  }
  Result<int64_t> t = ParseTimeValue(value);
  if (!t.ok()) return t.status();
  o->at_received = false;
  o->at = *t;
  return Status::Ok();
}

Status ParseFormat(std::string_view value, Options* o) {
  if (value == "jsonl" || value == "json") {
    o->format = Options::Format::kJsonLines;
  } else if (value == "ar") {
    o->format = Options::Format::kAuthResults;
  } else {
    return Status::Error("--format wants jsonl or ar, not '" + std::string(value) + "'");
  }
  return Status::Ok();
}

// Options of every command; `help` and `version` also work without a command.
constexpr OptionSpec kOptions[] = {
    {"output", 'o', "FILE", "write the records to FILE instead of stdout",
     [](std::string_view v, Options* o) {
       o->output = std::string(v);
       return Status::Ok();
     }},
    {"threads", 0, "N", "worker threads (default: one per core)", ParseThreads},
    {"quiet", 'q', nullptr, "no progress line and no summary on stderr",
     [](std::string_view, Options* o) {
       o->quiet = true;
       return Status::Ok();
     }},
    {"format", 0, "FORMAT",
     "jsonl (default): one JSON object per message; ar: one Authentication-Results header",
     ParseFormat, "jsonl json ar"},
    {"at", 0, "TIME",
     "verification time for x=/t=: unix seconds, ISO 8601, 'received' (the store's receive time, "
     "else the topmost Received of each message) or 'now' (default)",
     ParseAt, "received now"},
    {"dmarc-rules", 0, "RULES",
     "rfc9989, rfc7489 or auto (default): auto judges each message by the DMARC RFC in force at "
     "its verification time (RFC 9989 from 2026-05-20)",
     [](std::string_view v, Options* o) {
       Result<DmarcRulesChoice> choice = ParseDmarcRulesChoice(v);
       if (!choice.ok()) return choice.status();
       o->dmarc_rules = *choice;
       return Status::Ok();
     },
     "auto rfc9989 rfc7489"},
    {"strict", 0, nullptr, "RFC 8301 strictly: rsa-sha1 and RSA keys under 1024 bits fail",
     [](std::string_view, Options* o) {
       o->strict = true;
       return Status::Ok();
     }},
    {"max-signatures", 0, "N", "DKIM signatures checked per message (default 20)",
     [](std::string_view v, Options* o) {
       return SetCount("max-signatures", v, 1, 100000, &o->max_signatures);
     }},
    {"max-message-size", 0, "BYTES",
     "larger messages are not held in memory but reported with an error (default 268435456)",
     [](std::string_view v, Options* o) {
       return SetCount("max-message-size", v, 1024, 1L << 40, &o->max_message_size);
     }},
    {"mbox-format", 0, "FORMAT",
     "auto (default: mboxrd un-quoting, Content-Length honoured where it fits), mboxrd, mboxo or "
     "mboxcl2",
     [](std::string_view v, Options* o) {
       static constexpr std::pair<std::string_view, MboxVariant> kVariants[] = {
           {"auto", MboxVariant::kAuto},
           {"mboxrd", MboxVariant::kMboxrd},
           {"mboxo", MboxVariant::kMboxo},
           {"mboxcl2", MboxVariant::kMboxcl2}};
       for (const auto& [name, variant] : kVariants) {
         if (v == name) {
           o->mbox_variant = variant;
           return Status::Ok();
         }
       }
       return Status::Error("--mbox-format wants auto, mboxrd, mboxo or mboxcl2, not '" +
                            std::string(v) + "'");
     },
     "auto mboxrd mboxo mboxcl2"},
    {"no-mmap", 0, nullptr,
     "read uncompressed mbox files with read(2) instead of mapping them (about 2% more CPU)",
     [](std::string_view, Options* o) {
       o->map_files = false;
       return Status::Ok();
     }},
    {"imap-password-file", 0, "FILE",
     "IMAP inputs: the password is the first line of FILE (else $MAILVERIFY_IMAP_PASSWORD)",
     [](std::string_view v, Options* o) {
       o->imap.password_file = std::string(v);
       return Status::Ok();
     }},
    {"imap-insecure", 0, nullptr,
     "IMAP inputs: accept any TLS certificate (default: verified against the system store)",
     [](std::string_view, Options* o) {
       o->imap.insecure = true;
       return Status::Ok();
     }},
    {"imap-plaintext", 0, nullptr,
     "IMAP inputs: read an imap:// server that offers no STARTTLS unencrypted (default: refused)",
     [](std::string_view, Options* o) {
       o->imap.plaintext = true;
       return Status::Ok();
     }},
    {"imap-timeout", 0, "SECONDS", "IMAP inputs: the longest wait for the server (default 60)",
     [](std::string_view v, Options* o) {
       return SetCount("imap-timeout", v, 1, 86400, &o->imap.timeout_seconds);
     }},
    {"max-header-bytes", 0, "BYTES",
     "header sections are indexed up to this size, then reported (default 4194304)",
     [](std::string_view v, Options* o) {
       return SetCount("max-header-bytes", v, 1024, 1L << 32, &o->header_limits.max_header_bytes);
     }},
    {"max-header-fields", 0, "N", "header fields indexed per message, then reported (default 5000)",
     [](std::string_view v, Options* o) {
       return SetCount("max-header-fields", v, 1, 10000000, &o->header_limits.max_fields);
     }},
    {"max-h-names", 0, "N", "a DKIM h= naming more header fields is permerror (default 1000)",
     [](std::string_view v, Options* o) {
       return SetCount("max-h-names", v, 1, 1000000, &o->max_signed_headers);
     }},
    {"max-key-bits", 0, "BITS", "a larger DKIM key is permerror (default 16384)",
     [](std::string_view v, Options* o) {
       return SetCount("max-key-bits", v, 512, 16384, &o->max_key_bits);
     }},
    {"spf-max-lookups", 0, "N",
     "SPF terms that query DNS, includes and redirects too (default 10, RFC 7208 4.6.4)",
     [](std::string_view v, Options* o) {
       return SetCount("spf-max-lookups", v, 1, 1000, &o->spf_max_lookups);
     }},
    {"spf-max-void-lookups", 0, "N",
     "SPF terms whose own query finds no records (default 2, RFC 7208 4.6.4)",
     [](std::string_view v, Options* o) {
       return SetCount("spf-max-void-lookups", v, 0, 1000, &o->spf_max_void_lookups);
     }},
    {"receiver", 0, "PATTERN",
     "host name glob of the archive owner's MX hosts (repeatable): SPF is checked at the hop they "
     "received from",
     [](std::string_view v, Options* o) {
       o->receivers.emplace_back(v);
       return Status::Ok();
     }},
    {"authserv-id", 0, "ID",
     "authserv-id of the Authentication-Results written (default: host name)",
     [](std::string_view v, Options* o) {
       o->authserv_id = std::string(v);
       return Status::Ok();
     }},
    {"dns-zone", 0, "FILE",
     "answer DNS offline from this master file (repeatable); names not in it are NXDOMAIN",
     [](std::string_view v, Options* o) {
       o->dns.zone_files.emplace_back(v);
       return Status::Ok();
     }},
    {"dns-record", 0, "FILE", "write every DNS answer used to FILE (replay it with --dns-zone)",
     [](std::string_view v, Options* o) {
       o->dns.record_file = std::string(v);
       return Status::Ok();
     }},
    {"keys", 0, "FILE",
     "historical DKIM keys, asked first: TXT records in master-file syntax, or a key archive "
     "(.json or .csv: domain, selector, firstSeenAt, lastSeenAt, value)",
     [](std::string_view v, Options* o) {
       o->dns.keys_file = std::string(v);
       return Status::Ok();
     }},
    {"dns-server", 0, "HOST[:PORT]",
     "DNS server for live lookups (repeatable; default resolv.conf)",
     [](std::string_view v, Options* o) {
       o->dns.live.servers.emplace_back(v);
       return Status::Ok();
     }},
    {"dns-timeout", 0, "MS", "live DNS: first-try timeout in milliseconds (default 2000)",
     [](std::string_view v, Options* o) {
       return SetCount("dns-timeout", v, 1, 600000, &o->dns.live.timeout_ms);
     }},
    {"dns-max-cname", 0, "N", "live DNS: CNAME targets re-queried per question (default 8)",
     [](std::string_view v, Options* o) {
       return SetCount("dns-max-cname", v, 0, 64, &o->dns.live.max_cname_queries);
     }},
    {"dns-max-answer", 0, "BYTES", "live DNS: a larger answer is permerror (default 65535)",
     [](std::string_view v, Options* o) {
       return SetCount("dns-max-answer", v, 512, 65535, &o->dns.live.max_answer_bytes);
     }},
    {"dns-concurrency", 0, "N",
     "live DNS: queries outstanding at once (default 256; messages waiting for answers hold no "
     "thread)",
     [](std::string_view v, Options* o) {
       return SetCount("dns-concurrency", v, 1, 65536, &o->dns.live.max_in_flight);
     }},
    {"max-inflight-bytes", 0, "BYTES",
     "message bytes read but not yet verified, most of them waiting for DNS (default 64 MiB; "
     "0: no bound)",
     [](std::string_view v, Options* o) {
       return SetCount("max-inflight-bytes", v, 0, 1L << 40, &o->max_inflight_bytes);
     }},
    {"dns-min-ttl", 0, "SECONDS", "cache answers at least this long (default 5)",
     [](std::string_view v, Options* o) {
       return SetCount("dns-min-ttl", v, 0, 1L << 31, &o->dns.cache.min_ttl);
     }},
    {"dns-max-ttl", 0, "SECONDS", "cache answers at most this long (default 86400)",
     [](std::string_view v, Options* o) {
       return SetCount("dns-max-ttl", v, 0, 1L << 31, &o->dns.cache.max_ttl);
     }},
    {"plan", 0, "FILE", "scan, merge, slurm, dns-snapshot: the shard plan made by `plan`",
     [](std::string_view v, Options* o) {
       o->scaleout.plan = std::string(v);
       return Status::Ok();
     }},
    {"shards", 0, "N", "plan: cut the inputs into N shards",
     [](std::string_view v, Options* o) {
       return ParseScaleoutCount("shards", v, 1, &o->scaleout.shards);
     }},
    {"shard-index", 0, "I", "scan --plan: run shards I, I+T, ... (default: from the array task)",
     [](std::string_view v, Options* o) {
       return ParseScaleoutCount("shard-index", v, 0, &o->scaleout.shard_index);
     }},
    {"shard-count", 0, "T", "scan --plan: the number of tasks T (default: from the array task)",
     [](std::string_view v, Options* o) {
       return ParseScaleoutCount("shard-count", v, 1, &o->scaleout.shard_count);
     }},
    {"tasks", 0, "T", "slurm: array tasks",
     [](std::string_view v, Options* o) {
       return ParseScaleoutCount("tasks", v, 1, &o->scaleout.tasks);
     }},
    {"throttle", 0, "K", "slurm: array tasks running at once",
     [](std::string_view v, Options* o) {
       return ParseScaleoutCount("throttle", v, 1, &o->scaleout.throttle);
     }},
    {"submit", 0, nullptr, "slurm: submit the jobs with sbatch instead of printing the script",
     [](std::string_view, Options* o) {
       o->scaleout.submit = true;
       return Status::Ok();
     }},
    {"selector", 0, "NAME",
     "recover-keys: recover the key at NAME (selector._domainkey.domain, repeatable) whatever "
     "DNS says; default: every missing or revoked key",
     [](std::string_view v, Options* o) {
       o->recover_selectors.emplace_back(v);
       return Status::Ok();
     }},
    {"max-seconds-per-key", 0, "N",
     "recover-keys: stop trying pairs for a key name after N seconds (default 600)",
     [](std::string_view v, Options* o) {
       return SetCount("max-seconds-per-key", v, 0, 1L << 30, &o->max_seconds_per_key);
     }},
    {"out", 0, "FILE", "recover-keys: write the recovered keys' zone to FILE (same as --output)",
     [](std::string_view v, Options* o) {
       o->output = std::string(v);
       return Status::Ok();
     }},
    {"db", 0, "FILE",
     "scan: append the results to this SQLite database; domains: read the domains from it",
     [](std::string_view v, Options* o) {
       o->db_file = std::string(v);
       return Status::Ok();
     }},
    {"html", 0, "FILE", "scan: write a self-contained HTML report with charts of the run",
     [](std::string_view v, Options* o) {
       o->html_file = std::string(v);
       return Status::Ok();
     }},
    {"progress", 0, nullptr,
     "scan, recover-keys: plain progress lines on stderr even when it is not a terminal (scan: "
     "every 2 s; recover-keys: per key name)",
     [](std::string_view, Options* o) {
       o->progress = true;
       return Status::Ok();
     }},
    {"top", 0, "N", "scan --html: sending domains in the per-domain chart (default 20)",
     [](std::string_view v, Options* o) { return SetCount("top", v, 1, 100000, &o->top_domains); }},
    {"compromised-keys", 0, "FILE",
     "more fingerprints of keys whose private half is public (repeatable; format of "
     "data/compromised-keys.txt)",
     [](std::string_view v, Options* o) {
       o->compromised_keys_files.emplace_back(v);
       return Status::Ok();
     }},
    {"known-moduli", 0, "FILE",
     "RSA moduli (hex, one per line) that take part in the shared-prime check (repeatable)",
     [](std::string_view v, Options* o) {
       o->known_moduli_files.emplace_back(v);
       return Status::Ok();
     }},
    {"keys-export", 0, "FILE",
     "scan: write every key that verified a signature, with first/last signature time, as a key "
     "archive JSON (readable by --keys)",
     [](std::string_view v, Options* o) {
       o->keys_export_file = std::string(v);
       return Status::Ok();
     }},
    {"json", 0, nullptr, "domains: write JSON instead of a table",
     [](std::string_view, Options* o) {
       o->json = true;
       return Status::Ok();
     }},
    {"help", 'h', nullptr, "show this help and exit",
     [](std::string_view, Options* o) {
       o->command = Options::Command::kHelp;
       return Status::Ok();
     }},
    {"version", 0, nullptr, "show the version and exit",
     [](std::string_view, Options* o) {
       o->command = Options::Command::kVersion;
       return Status::Ok();
     }},
};

const OptionSpec* FindLong(std::string_view name) {
  for (const OptionSpec& spec : kOptions) {
    if (name == spec.name) return &spec;
  }
  for (const OptionSpec& spec : EvidenceOptionSpecs()) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

// The command word; --help/--version given before it keep their meaning.
Status SetCommand(std::string_view word, Options* o) {
  static constexpr std::pair<std::string_view, Options::Command> kCommands[] = {
      {"scan", Options::Command::kScan},
      {"plan", Options::Command::kPlan},
      {"merge", Options::Command::kMerge},
      {"slurm", Options::Command::kSlurm},
      {"dns-snapshot", Options::Command::kDnsSnapshot},
      {"domains", Options::Command::kDomains},
      {"recover-keys", Options::Command::kRecoverKeys},
      {"keygen", Options::Command::kKeygen},
      {"bundle", Options::Command::kBundle},
      {"keys", Options::Command::kKeys},
      {"help", Options::Command::kHelp},
      {"completion", Options::Command::kCompletion}};
  for (const auto& [name, command] : kCommands) {
    if (word != name) continue;
    if (o->command == Options::Command::kScan) o->command = command;
    return Status::Ok();
  }
  return Status::Error("unknown command '" + std::string(word) + "'");
}

const OptionSpec* FindShort(char c) {
  for (const OptionSpec& spec : kOptions) {
    if (spec.short_name != 0 && spec.short_name == c) return &spec;
  }
  return nullptr;
}

}  // namespace

std::span<const OptionSpec> GeneralOptionSpecs() {
  return kOptions;
}

Result<Options> ParseOptions(std::span<const std::string_view> args) {
  Options options;
  bool have_command = false;
  bool only_paths = false;  // after "--"
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    const bool is_option = !only_paths && arg.size() > 1 && arg[0] == '-';
    if (!is_option) {
      if (!have_command) {
        if (Status s = SetCommand(arg, &options); !s.ok()) return s;
        have_command = true;
        options.command_word = std::string(arg);  // for `COMMAND --help`
      } else {
        options.inputs.emplace_back(arg);
      }
      continue;
    }
    if (arg == "--") {
      only_paths = true;
      continue;
    }
    const OptionSpec* spec;
    std::string_view value;
    bool has_inline_value = false;
    if (arg[1] == '-') {
      std::string_view name = arg.substr(2);
      if (const size_t eq = name.find('='); eq != std::string_view::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_inline_value = true;
      }
      spec = FindLong(name);
      if (spec == nullptr) return Status::Error("unknown option --" + std::string(name));
    } else {
      spec = FindShort(arg[1]);
      if (spec == nullptr) return Status::Error("unknown option " + std::string(arg.substr(0, 2)));
      if (arg.size() > 2) {
        if (spec->value_name == nullptr) {
          return Status::Error("option -" + std::string(1, arg[1]) + " takes no value");
        }
        value = arg.substr(2);
        has_inline_value = true;
      }
    }
    if (spec->value_name == nullptr && has_inline_value) {
      return Status::Error("option --" + std::string(spec->name) + " takes no value");
    }
    if (spec->value_name != nullptr && !has_inline_value) {
      if (i + 1 >= args.size()) {
        return Status::Error("option --" + std::string(spec->name) + " needs a value (" +
                             spec->value_name + ")");
      }
      value = args[++i];
    }
    if (Status s = spec->apply(value, &options); !s.ok()) return s;
  }
  if (options.command == Options::Command::kHelp || options.command == Options::Command::kVersion)
    return options;
  if (!have_command) return Status::Error("no command given");
  if (options.command == Options::Command::kScan && options.inputs.empty() &&
      options.scaleout.plan.empty())
    return Status::Error("scan needs at least one PATH (\"-\" for stdin)");
  for (const std::string& input : options.inputs) {
    if (Status s = RefusePasswordInUrl(input); !s.ok()) return s;
  }
  if (options.command == Options::Command::kDomains && options.inputs.empty() &&
      options.db_file.empty())
    return Status::Error("domains needs --db FILE or at least one DOMAIN");
  if (options.command == Options::Command::kPlan && options.inputs.empty())
    return Status::Error("plan needs at least one PATH");
  if (options.command == Options::Command::kKeys &&
      (options.inputs.empty() || (options.inputs[0] != "export" && options.inputs[0] != "audit")))
    return Status::Error("keys needs a subcommand: export PATH... or audit");
  if (options.command == Options::Command::kKeys && options.inputs[0] == "export" &&
      options.inputs.size() < 2)
    return Status::Error("keys export needs at least one PATH");
  if (options.command == Options::Command::kRecoverKeys && options.inputs.empty())
    return Status::Error("recover-keys needs at least one PATH");
  return options;
}

ArchiveOptions ArchiveOptionsOf(const Options& options) {
  ArchiveOptions archive;
  archive.max_message_size = options.max_message_size;
  archive.mbox_variant = options.mbox_variant;
  archive.map_files = options.map_files;
  return archive;
}

Result<int64_t> ParseTimeValue(std::string_view v) {
  const auto bad = [v]() -> Result<int64_t> {
    return Status::Error("--at wants unix seconds, an ISO 8601 time, 'received' or 'now', not '" +
                         std::string(v) + "'");
  };
  const auto digits = [](std::string_view s, size_t pos, size_t n, int* out) {
    if (pos + n > s.size()) return false;
    int x = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      x = x * 10 + (s[i] - '0');
    }
    *out = x;
    return true;
  };
  if (!v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t t = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), t);
    if (ec != std::errc() || end != v.data() + v.size()) return bad();
    return t;
  }
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!digits(v, 0, 4, &year) || v.size() < 10 || v[4] != '-' || !digits(v, 5, 2, &month) ||
      v[7] != '-' || !digits(v, 8, 2, &day) || month < 1 || month > 12 || day < 1 || day > 31) {
    return bad();
  }
  size_t p = 10;
  int64_t offset = 0;
  if (p < v.size()) {
    if ((v[p] != 'T' && v[p] != ' ') || !digits(v, p + 1, 2, &hour) || v.size() < p + 6 ||
        v[p + 3] != ':' || !digits(v, p + 4, 2, &minute) || hour > 23 || minute > 59) {
      return bad();
    }
    p += 6;
    if (p < v.size() && v[p] == ':') {
      if (!digits(v, p + 1, 2, &second) || second > 60) return bad();
      p += 3;
    }
    if (p < v.size()) {
      int oh = 0, om = 0;
      if (v.substr(p) == "Z") {
        p += 1;
      } else if ((v[p] == '+' || v[p] == '-') && v.size() == p + 6 && digits(v, p + 1, 2, &oh) &&
                 v[p + 3] == ':' && digits(v, p + 4, 2, &om)) {
        offset = (v[p] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        p += 6;
      } else {
        return bad();
      }
    }
  }
  if (p != v.size()) return bad();
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second - offset;
}

std::string HelpText() {
  std::string text =
      "Usage: mailverify scan [OPTIONS] PATH...\n"
      "       mailverify plan PATH... --shards N --dns-zone FILE [--at TIME] -o plan.json\n"
      "       mailverify scan --plan plan.json [--shard-index I --shard-count T] -o PARTS_DIR\n"
      "       mailverify dns-snapshot (PATH... | --plan plan.json) [-o snapshot.zone]\n"
      "       mailverify merge --plan plan.json PARTS_DIR -o results.jsonl [--db FILE]\n"
      "       mailverify slurm --plan plan.json --tasks T [--throttle K] [--submit]\n"
      "       mailverify recover-keys (--dns-zone FILE | --selector NAME...) [--out FILE] PATH...\n"
      "       mailverify domains (--db FILE [DOMAIN...] | DOMAIN...) [--json] [DNS options]\n"
      "       mailverify keygen KEYFILE      (writes KEYFILE, secret, and KEYFILE.pub)\n"
      "       mailverify bundle verify DIR [--pubkey FILE] [--tsa-ca FILE] [--replay]\n"
      "       mailverify bundle timestamp-request DIR -o req.tsq\n"
      "       mailverify bundle add-timestamp DIR resp.tsr\n"
      "       mailverify keys export [scan options] PATH... [-o keys.json]\n"
      "       mailverify keys audit (--keys FILE | --dns-zone FILE | --known-moduli FILE)...\n"
      "       mailverify --help | --version\n"
      "\n"
      "Reads every message of the given mbox files, Maildir trees, .eml files and directories\n"
      "(optionally gzip/xz/zstd/bzip2 compressed; \"-\" is stdin) and writes one JSON object per\n"
      "message per line. With --db the results are also appended to an SQLite database, with\n"
      "--html summarised in one self-contained HTML page; `domains` audits the SPF, DMARC, MX\n"
      "and DKIM keys of sender domains. Worked examples: man -l docs/mailverify.1.\n"
      "\n";
  text += CommandListText();
  text += "\nOptions (each command takes only some; see its --help):\n";
  std::vector<OptionSpec> specs(std::begin(kOptions), std::end(kOptions));
  specs.insert(specs.end() - 2, EvidenceOptionSpecs().begin(), EvidenceOptionSpecs().end());
  for (const OptionSpec& spec : specs) AppendOptionHelp(spec, &text);
  text +=
      "\n"
      "Exit status: 0 when every input was read, 1 when an input could not be read or the\n"
      "output could not be written (the other inputs are still processed), 2 on a usage error.\n";
  return text;
}

}  // namespace mv
