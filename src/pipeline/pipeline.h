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

#include <atomic>
#include <chrono>
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

class ReadAheadBudget;

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

// Batches in flight by default when DNS answers come from the network.
inline constexpr size_t kLiveDnsBatches = 512;

struct PipelineOptions {
  int threads = 0;                // worker threads; 0 means one per core
  size_t batch_messages = 64;     // a batch ends after this many messages ...
  size_t batch_bytes = 4u << 20;  // ... or once it holds this many message bytes
  // Batches in flight (TBB's tokens); 0 means 2 per thread plus 2, or kLiveDnsBatches with
  // `prefetch`, where most of them are parked waiting for DNS and the ReadAheadBudget bounds them.
  size_t max_live_batches = 0;
  // Message bytes held between reading and the end of verify (ReadAheadBudget); 0: no bound.
  size_t max_bytes = 64u << 20;
  // With `prefetch`: batches in flight that the reader counts, where a batch parked on DNS for
  // longer than `parked_stale_after` no longer counts (ReadAheadBudget says why). A round trip
  // is far shorter, but a round also waits for a place in the DNS window: the scan sets half the
  // DNS first try (1 s by default), past which the batch most likely waits on a timeout.
  size_t counted_dns_batches = 64;
  std::chrono::milliseconds parked_stale_after{1000};
  // Fetch each batch's DNS questions before verifying it, round after round (follow-ups), with
  // the batch's task suspended while it waits so that the threads verify other batches. Worth it
  // when answers come from the network; when every answer is in memory (a zone snapshot) it only
  // parses each message twice.
  bool prefetch = true;
  // Rounds of follow-up questions per batch (the deepest SPF chain is 10 lookups deep).
  int max_dns_rounds = 12;
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

  // Counters of the last Run, for the summary and the benchmarks.
  struct Stats {
    uint64_t dns_rounds = 0;  // PrefetchAsync calls (one per round per batch that needed one)
    uint64_t dns_waits = 0;   // batches that waited for DNS at least once
    size_t peak_bytes = 0;    // ReadAheadBudget's peak of bytes
  };
  Stats stats() const { return stats_; }

 private:
  struct Batch;
  void Parse(Batch* batch) const;
  void Resolve(Batch* batch);
  // Suspends the calling task until the resolver can answer `questions` without waiting.
  void AwaitAnswers(std::vector<DnsQuestion>* questions);
  void Verify(Batch* batch) const;

  PipelineOptions options_;
  DnsResolver* resolver_;
  std::vector<const MessageCheck*> checks_;
  RecordFormatter formatter_;
  Stats stats_;
  ReadAheadBudget* budget_ = nullptr;  // during Run
  std::atomic<uint64_t> dns_rounds_{0}, dns_waits_{0};
};

}  // namespace mv
