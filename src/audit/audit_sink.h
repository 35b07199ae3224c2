// AuditSink: the pipeline's writer when a scan also keeps its results in a ResultStore (--db,
// --html). It hands each batch to the run's own sink first (output, summary, progress), then
// writes the batch's records to the store in one transaction, from the same single thread.
#pragma once

#include "audit/result_store.h"
#include "pipeline/pipeline.h"

namespace mv {

class AuditSink : public BatchSink {
 public:
  // Neither is owned; both must outlive the sink.
  AuditSink(BatchSink* inner, ResultStore* store) : inner_(inner), store_(store) {}

  Status Consume(std::span<const MessageRecord> records, std::string_view formatted) override {
    if (Status s = inner_->Consume(records, formatted); !s.ok()) return s;
    return store_->AddBatch(records);
  }

 private:
  BatchSink* inner_;
  ResultStore* store_;
};

}  // namespace mv
