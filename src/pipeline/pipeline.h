// Pipeline: the oneTBB parallel_pipeline that runs every check over a stream of messages.
//
//   read (serial, in order) -> parse (parallel) -> resolve (parallel) -> verify (parallel)
//   -> write (serial, in order)
//
// Each token is a batch of messages, so the resolve stage can hand all the DNS questions of a batch
// to DnsResolver::Prefetch in one call, and the writer makes one output call per batch. The number
// of batches in flight is bounded, so memory stays bounded whatever the archive size, and records
// leave in input order whatever the thread count.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver.h"
#include "message/raw_message.h"
#include "pipeline/message_check.h"
#include "report/message_record.h"
#include "util/status.h"

namespace mv {

// Produces the next message in input order; returns false when there are no more.
using MessageSource = std::function<bool(RawMessage*)>;

// Serialises one record for output (appending to `out`); called concurrently from several threads.
// For an input error, `msg` holds only the RawMessage. The default writes JSON Lines.
using RecordFormatter =
    std::function<void(const ParsedMessage& msg, const MessageRecord& record, std::string* out)>;

// Receives each batch, in input order, from a single thread at a time.
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  // `formatted` is the concatenated output of the batch's records. An error stops the run.
  virtual Status Consume(std::span<const MessageRecord> records, std::string_view formatted) = 0;
};

struct PipelineOptions {
  int threads = 0;                // worker threads; 0 means one per core
  size_t batch_messages = 64;     // a batch ends after this many messages ...
  size_t batch_bytes = 4u << 20;  // ... or once it holds this many message bytes
  size_t max_live_batches = 0;    // batches in flight; 0 means 2 per thread plus 2
  // Collect each batch's DNS questions for one Prefetch call. Worth it when answers come from the
  // network; when every answer is in memory (a zone snapshot) it only parses each message twice.
  bool prefetch = true;
  // Bounds on each message's header section (docs/SECURITY.md).
  HeaderLimits header_limits;
};

class Pipeline {
 public:
  // `resolver` receives the Prefetch calls; it may be null when no check asks DNS questions.
  Pipeline(PipelineOptions options, DnsResolver* resolver);

  // Checks run in the order added, each adding its members to the record. Not owned.
  void AddCheck(const MessageCheck* check) { checks_.push_back(check); }
  void SetFormatter(RecordFormatter formatter) { formatter_ = std::move(formatter); }

  // Reads `source` to its end, sending every record to `sink`. Messages with a read error still get
  // a record but are not checked; input errors become records of their own. Returns the sink's
  // error if it failed (the run stops early then).
  Status Run(const MessageSource& source, BatchSink* sink);

 private:
  struct Batch;
  void Parse(Batch* batch) const;
  void Resolve(Batch* batch) const;
  void Verify(Batch* batch) const;

  PipelineOptions options_;
  DnsResolver* resolver_;
  std::vector<const MessageCheck*> checks_;
  RecordFormatter formatter_;
};

}  // namespace mv
