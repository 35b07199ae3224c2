// ResultStore: the results of scans in an SQLite database (--db FILE), for auditors and
// investigators who want to query an archive's authentication history with SQL. Every scan appends
// one `runs` row and one row per message (plus its signatures, SPF, DMARC and ARC rows); the
// `domains` and `keys` tables are kept up to date across runs. The schema is in docs/REPORTS.md.
//
// Rows are written from the JSON members of each MessageRecord, so the database holds exactly what
// the JSON Lines output says. Writes come from the pipeline's single writer stage, one transaction
// per batch.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "report/message_record.h"
#include "util/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mv {

struct RunInfo {
  std::string version;     // mailverify's version
  std::string options;     // the command line, for the record
  std::string dns_source;  // "zone", "dns", "keys+zone", ...
  int64_t started_at = 0;  // unix seconds
};

class ResultStore {
 public:
  // Opens or creates the database at `path` (":memory:" for a private in-memory one) and creates
  // the tables and indexes that are missing.
  static Result<std::unique_ptr<ResultStore>> Open(const std::string& path);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // Starts a run; the records added next belong to it.
  Status BeginRun(const RunInfo& info);
  // Adds the records of one batch in one transaction.
  Status AddBatch(std::span<const MessageRecord> records);
  // Stamps the run's end time and totals.
  Status EndRun(int64_t finished_at, uint64_t messages, uint64_t input_errors);

  int64_t run_id() const { return run_id_; }
  sqlite3* db() const { return db_; }

 private:
  ResultStore() = default;
  Status Exec(const char* sql);
  bool HasColumn(const char* table, const char* column);
  Status Prepare();
  Status AddRecord(const MessageRecord& record);

  sqlite3* db_ = nullptr;
  int64_t run_id_ = 0;
  struct Statements;
  std::unique_ptr<Statements> stmts_;
};

// The SQL that creates the schema (CREATE TABLE/INDEX IF NOT EXISTS ...), as documented.
const char* ResultStoreSchema();

}  // namespace mv
