// EvidenceRun: the evidence side of one `scan` (docs/EVIDENCE.md). Before the run it pins what a
// replay must reproduce (the verification time, the authserv-id), opens the bag and points the
// results and DNS evidence into it; during the run it hashes the results as written; after the run
// it hashes the inputs and DNS files, writes the manifest and seals the bag.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "evidence/bag_writer.h"
#include "evidence/file_facts.h"
#include "evidence/imap_read_log.h"
#include "evidence/message_hash_check.h"
#include "report/summary.h"
#include "scaleout/sha256.h"
#include "util/status.h"

namespace mv {

class EvidenceRun {
 public:
  // A usage error (an existing bag, a bad --bundle-info, an unreadable signing key) stops the run.
  static Result<std::unique_ptr<EvidenceRun>> Start(const Options& given);

  // The options the scan runs with.
  const Options& options() const { return options_; }
  // The per-message hash check, or null with --no-hash.
  const MessageCheck* hash_check() const {
    return options_.evidence.message_hashes ? &hash_check_ : nullptr;
  }
  // Every byte of results written goes through this (null when no manifest is made).
  Sha256* results_hash() { return active() ? &results_hash_ : nullptr; }
  // Every record written goes through this when there are IMAP inputs (null otherwise): the
  // manifest's mailboxes, UIDVALIDITY and UID ranges are what the reader saw.
  ImapReadLog* imap_reads() {
    return active() && !imap_reads_->empty() ? imap_reads_.get() : nullptr;
  }

  // After the run (results closed, DNS evidence flushed): manifest, then the bag. Not called when
  // the run failed, so that no bag looks complete.
  Status Finish(const RunSummary& summary);

 private:
  bool active() const { return !manifest_file_.empty() || bag_ != nullptr; }
  std::string ManifestText(const RunSummary& summary);

  Options options_;
  MessageHashCheck hash_check_;
  Sha256 results_hash_;
  std::string manifest_file_;
  std::unique_ptr<BagWriter> bag_;
  BagTags tags_;
  bool time_was_now_ = false;
  bool results_in_bag_ = false;     // -o was not given: the results are written into the bag
  bool dns_record_in_bag_ = false;  // --dns-record was not given: recorded into the bag
  int64_t start_time_ = 0;
  std::vector<FileFacts> inputs_;  // stat at the start, hashed at the end
  std::unique_ptr<ImapReadLog> imap_reads_;
};

// The effective options of a scan as a JSON object, for the manifest.
std::string EffectiveOptionsJson(const Options& options);
// The scan options that shape the records, as arguments (`--at 1700000000 --strict ...`).
std::vector<std::string> ReplayArguments(const Options& options);

}  // namespace mv
