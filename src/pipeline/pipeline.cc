#include "pipeline/pipeline.h"

#include <algorithm>
#include <atomic>
#include <memory>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task.h>
#include <oneapi/tbb/task_arena.h>

#include "archive/mapped_window.h"
#include "pipeline/read_ahead_budget.h"
#include "report/json_lines.h"

namespace mv {
namespace {

// A message is checked only when the reader delivered it whole.
bool Checkable(const ParsedMessage& msg) {
  return !msg.raw.input_error && msg.raw.read_error.empty();
}

}  // namespace

struct Pipeline::Batch {
  std::vector<ParsedMessage> messages;
  std::vector<MessageRecord> records;  // records[i] belongs to messages[i]
  std::string formatted;
  size_t bytes = 0;  // of the messages, as taken from the ReadAheadBudget
};

Pipeline::Pipeline(PipelineOptions options, DnsResolver* resolver)
    : options_(options), resolver_(resolver) {
  options_.batch_messages = std::max<size_t>(options_.batch_messages, 1);
  formatter_ = [](const ParsedMessage&, const MessageRecord& record, std::string* out) {
    AppendJsonLine(record, out);
  };
}

void Pipeline::Parse(Batch* batch) const {
  batch->records.resize(batch->messages.size());
  for (size_t i = 0; i < batch->messages.size(); ++i) {
    ParsedMessage& msg = batch->messages[i];
    if (!msg.raw.input_error) {
      msg.headers = HeaderIndex::Build(msg.raw.bytes, options_.header_limits);
    }
    FillBasicFields(msg.raw, msg.headers, &batch->records[i]);
  }
}

void Pipeline::Resolve(Batch* batch) {
  if (resolver_ == nullptr || checks_.empty() || !options_.prefetch) return;
  // Round 0: the questions each check names up front.
  std::vector<DnsQuestion> questions, missing;
  std::vector<uint32_t> waiting, still_waiting;
  for (size_t i = 0; i < batch->messages.size(); ++i) {
    const ParsedMessage& msg = batch->messages[i];
    if (!Checkable(msg)) continue;
    waiting.push_back(static_cast<uint32_t>(i));
    questions.clear();
    for (const MessageCheck* check : checks_) check->CollectQuestions(msg, &questions);
    for (DnsQuestion& q : questions) {
      if (resolver_->Peek(q.name, q.type) == nullptr) missing.push_back(std::move(q));
    }
  }
  if (!missing.empty()) dns_waits_.fetch_add(1, std::memory_order_relaxed);
  // Then follow-ups: what the checks ask once the last round's answers are here. Every message
  // is probed once even when its first questions were all at hand, since another sender address
  // can take the same SPF record down a branch no earlier message took.
  for (int round = 1;; ++round) {
    if (!missing.empty()) AwaitAnswers(&missing);
    if (round >= options_.max_dns_rounds) break;
    missing.clear();
    still_waiting.clear();
    for (uint32_t i : waiting) {
      const size_t before = missing.size();
      for (const MessageCheck* check : checks_) {
        check->CollectFollowUps(batch->messages[i], &missing);
      }
      if (missing.size() > before) still_waiting.push_back(i);
    }
    if (missing.empty()) break;
    waiting.swap(still_waiting);
  }
}

void Pipeline::AwaitAnswers(std::vector<DnsQuestion>* questions) {
  // Many messages of an archive share signers and domains; ask each question once per batch.
  std::sort(questions->begin(), questions->end(), [](const DnsQuestion& a, const DnsQuestion& b) {
    return a.type != b.type ? a.type < b.type : a.name < b.name;
  });
  questions->erase(std::unique(questions->begin(), questions->end()), questions->end());
  dns_rounds_.fetch_add(1, std::memory_order_relaxed);
  // The task is parked, not the thread: it goes on with other batches until the last answer
  // (arriving on the DNS event-loop thread) resumes this one.
  const uint64_t ticket = budget_->Park();
  tbb::task::suspend([this, questions](tbb::task::suspend_point tag) {
    resolver_->PrefetchAsync(*questions, [tag] { tbb::task::resume(tag); });
  });
  budget_->Unpark(ticket);
}

void Pipeline::Verify(Batch* batch) const {
  for (size_t i = 0; i < batch->messages.size(); ++i) {
    const ParsedMessage& msg = batch->messages[i];
    MessageRecord& record = batch->records[i];
    if (Checkable(msg)) {
      for (const MessageCheck* check : checks_) check->Run(msg, &record);
    }
    if (MappedBytesDamaged(msg.raw.bytes.data())) {
      // The file was truncated under the mapped bytes while this message was checked: part of
      // what the checks read were zeros, so the results above do not describe the message.
      record.AddError(
          "the file was truncated while this message was checked; its results are void");
    }
    formatter_(msg, record, &batch->formatted);
  }
  // The messages are no longer needed; free their buffers now rather than after the batch waits
  // its turn at the in-order writer.
  batch->messages.clear();
  if (budget_ != nullptr) budget_->Give(batch->bytes);
  batch->messages.shrink_to_fit();
}

Status Pipeline::Run(const MessageSource& source, BatchSink* sink) {
  const int threads =
      options_.threads > 0 ? options_.threads : std::max(1, tbb::info::default_concurrency());
  const bool waits_for_dns = resolver_ != nullptr && !checks_.empty() && options_.prefetch;
  const size_t live = options_.max_live_batches > 0 ? options_.max_live_batches
                      : waits_for_dns               ? kLiveDnsBatches
                                                    : 2 * static_cast<size_t>(threads) + 2;
  ReadAheadBudget::Limits limits{.bytes = options_.max_bytes};
  if (waits_for_dns) {
    limits.batches = options_.counted_dns_batches;
    limits.stale_after = options_.parked_stale_after;
    limits.dns_backlog = [this] { return resolver_->QueuedQuestions() > 0; };
  }
  ReadAheadBudget budget(std::move(limits));
  budget_ = &budget;
  dns_rounds_ = 0;
  dns_waits_ = 0;
  std::atomic<bool> stop{false};
  bool source_done = false;
  Status status;

  // TBB caps its workers at one per core by default; --threads above that (useful when checks wait
  // on live DNS) needs the cap raised for the duration of the run.
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<size_t>(threads));
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
        live,
        tbb::make_filter<
            void, Batch*>(tbb::filter_mode::serial_in_order, [&](tbb::flow_control& fc) -> Batch* {
          if (source_done || stop.load(std::memory_order_relaxed)) {
            fc.stop();
            return nullptr;
          }
          budget.WaitForRoom();
          auto batch = std::make_unique<Batch>();
          size_t bytes = 0;
          while (batch->messages.size() < options_.batch_messages && bytes < options_.batch_bytes) {
            ParsedMessage msg;
            if (!source(&msg.raw)) {
              source_done = true;
              break;
            }
            bytes += msg.raw.bytes.size();
            batch->messages.push_back(std::move(msg));
          }
          if (batch->messages.empty()) {
            fc.stop();
            return nullptr;
          }
          batch->bytes = bytes;
          budget.Take(bytes);
          return batch.release();
        }) & tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel, [this](Batch* b) {
          Parse(b);
          return b;
        }) & tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel, [this](Batch* b) {
          Resolve(b);
          return b;
        }) & tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel, [this](Batch* b) {
          Verify(b);
          return b;
        }) & tbb::make_filter<Batch*, void>(tbb::filter_mode::serial_in_order, [&](Batch* b) {
          std::unique_ptr<Batch> owned(b);
          if (stop.load(std::memory_order_relaxed)) return;
          Status s = sink->Consume(owned->records, owned->formatted);
          if (!s.ok()) {
            status = std::move(s);
            stop.store(true, std::memory_order_relaxed);
          }
        }));
  });
  budget_ = nullptr;
  stats_.dns_rounds = dns_rounds_.load();
  stats_.dns_waits = dns_waits_.load();
  stats_.peak_bytes = budget.peak();
  return status;
}

}  // namespace mv
