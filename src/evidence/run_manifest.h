// RunManifest: the record of one scan as evidence — which program (version, commit, libraries),
// run how (command line, every effective option, the verification time), where and when, over
// which bytes (every input's size, mtime and SHA-256), with which DNS answers and keys, giving
// which results (record count, summary counters, the results file's SHA-256). Written as JSON.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evidence/build_info.h"
#include "evidence/file_facts.h"
#include "evidence/imap_read_log.h"

namespace mv {

struct RunManifest {
  BuildInfo build;
  std::vector<std::string> command_line;  // argv as given, program name first
  std::string working_directory;          // relative input paths are relative to it
  std::string options_json;               // a JSON object: every effective option of the scan
  // The scan options that shape the results (the time pinned, the authserv-id fixed), for a replay:
  // `mailverify scan <replay_args> --dns-zone EVIDENCE [--keys KEYS] -o OUT <inputs>`.
  std::vector<std::string> replay_args;
  std::vector<std::string> input_args;  // the inputs as given on the command line
  // Verification time: "fixed" (one time for the run, `verification_time`; `time_was_now` when it
  // was the run's start) or "received" (each message's topmost Received, else its Date).
  std::string time_rule;
  int64_t verification_time = 0;
  bool time_was_now = false;
  std::string host;
  int64_t start_time = 0;  // unix seconds, written as ISO 8601 UTC
  int64_t end_time = 0;
  std::vector<FileFacts> inputs;  // every input file (directories expanded), in reading order
  std::vector<ImapInputRead> imap_inputs;  // every imap:// input: mailboxes, UIDVALIDITY, UIDs
  std::vector<FileFacts> dns_zones;
  std::optional<FileFacts> keys;
  // Key trust: the built-in list of published private keys, --compromised-keys, --known-moduli.
  std::optional<FileFacts> default_compromised_keys;
  std::vector<FileFacts> compromised_keys;
  std::vector<FileFacts> known_moduli;
  std::optional<FileFacts> dns_record;
  std::optional<FileFacts> results;  // absent when the results went to stdout unhashed
  std::string results_sha256;        // hashed as written, also for stdout
  uint64_t records = 0;              // message records plus input-error records
  uint64_t messages = 0;
  uint64_t message_errors = 0;
  uint64_t input_errors = 0;
  std::map<std::string, uint64_t> counters;
  bool message_hashes = true;  // records carry `sha256` (no --no-hash)
};

// The manifest as one JSON object followed by a newline.
std::string ManifestJson(const RunManifest& manifest);

}  // namespace mv
