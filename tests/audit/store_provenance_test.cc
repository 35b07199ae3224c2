// The --db store keeps where each message can be found again: source_format, folder and, for
// IMAP, uid and uidvalidity; a database written before those columns existed gains them when a
// new scan opens it, its old rows keeping NULL.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <cstdio>
#include <string>
#include <vector>

#include "audit/result_store.h"
#include "audit/store_queries.h"

namespace mv {
namespace {

using RowList = std::vector<std::vector<std::string>>;

RowList Rows(sqlite3* db, const char* sql) {
  Result<RowList> rows = QueryRows(db, sql);
  EXPECT_TRUE(rows.ok()) << rows.error();
  return rows.ok() ? *rows : RowList{};
}

std::vector<MessageRecord> StoreRecords() {
  std::vector<MessageRecord> records(4);
  records[0].provenance.source = "imap://u@mail.example:993/Entw%C3%BCrfe";
  records[0].provenance.source_format = "imap";
  records[0].provenance.folder =
      "Entw\xC3\xBC"
      "rfe";
  records[0].provenance.uid = 4294967295u;  // the largest UID there is
  records[0].provenance.uidvalidity = 1700000001u;
  records[0].message_id = "<m0@example.org>";
  records[0].AddMember("dkim", R"([{"d":"example.org","s":"s1","result":"fail"}])");
  records[1].provenance.source = "case.pst";
  records[1].provenance.source_format = "pst";
  records[1].provenance.folder = "Top of Personal Folders/Inbox";
  records[2].provenance.source = "mail.mbox";
  records[2].provenance.source_format = "mbox";
  records[3].provenance.source = "broken.pst";
  records[3].provenance.source_format = "pst";
  records[3].provenance.folder = "left over";  // an input error has no folder
  records[3].input_error = true;
  records[3].error = "broken.pst: cannot open pst";
  return records;
}

constexpr const char* kProvenance =
    "SELECT source, coalesce(source_format,'-'), coalesce(folder,'-'), coalesce(uid,'-'),"
    " coalesce(uidvalidity,'-') FROM messages ORDER BY id";

TEST(StoreProvenance, KeepsFormatFolderUidAndUidvalidity) {
  Result<std::unique_ptr<ResultStore>> store = ResultStore::Open(":memory:");
  ASSERT_TRUE(store.ok()) << store.error();
  ASSERT_TRUE((*store)->BeginRun({"v", "o", "zone", 0}).ok());
  ASSERT_TRUE((*store)->AddBatch(StoreRecords()).ok());
  EXPECT_EQ(Rows((*store)->db(), kProvenance),
            (RowList{{"imap://u@mail.example:993/Entw%C3%BCrfe", "imap",
                      "Entw\xC3\xBC"
                      "rfe",
                      "4294967295", "1700000001"},
                     {"case.pst", "pst", "Top of Personal Folders/Inbox", "-", "-"},
                     {"mail.mbox", "mbox", "-", "-", "-"},
                     {"broken.pst", "pst", "-", "-", "-"}}));
  // The same message is found again by (uidvalidity, uid, folder).
  EXPECT_EQ(Rows((*store)->db(),
                 "SELECT count(*) FROM messages WHERE uidvalidity = 1700000001 AND "
                 "uid = 4294967295 AND folder = 'Entw\xC3\xBC"
                 "rfe'"),
            RowList{{"1"}});
  // docs/REPORTS.md, "failed DKIM on a live mailbox, with what fetches each message again".
  EXPECT_EQ(Rows((*store)->db(),
                 "SELECT m.folder, m.uidvalidity, m.uid, m.message_id, m.dkim FROM messages m "
                 "WHERE m.source_format = 'imap' AND m.dkim NOT IN ('pass', 'none') "
                 "ORDER BY m.folder, m.uid"),
            (RowList{{"Entw\xC3\xBC"
                      "rfe",
                      "1700000001", "4294967295", "<m0@example.org>", "fail"}}));
}

// The messages table as scans wrote it before these columns (the rest of the schema is created
// by Open as usual).
constexpr const char* kOldMessages = R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  version TEXT, options TEXT, dns_source TEXT,
  started_at TEXT NOT NULL, finished_at TEXT,
  messages INTEGER, input_errors INTEGER);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  source TEXT NOT NULL, idx INTEGER, offset INTEGER, size INTEGER,
  message_id TEXT, from_header TEXT, from_domain TEXT, subject TEXT,
  date TEXT, date_raw TEXT, error TEXT, input_error INTEGER NOT NULL DEFAULT 0,
  dkim TEXT, spf TEXT, dmarc TEXT, arc TEXT,
  bounce INTEGER NOT NULL DEFAULT 0, bounce_recipient TEXT, bounce_action TEXT,
  bounce_status TEXT);
INSERT INTO runs (version, started_at) VALUES ('old', '2025-01-01T00:00:00Z');
INSERT INTO messages (run_id, source, idx) VALUES (1, 'old.mbox', 0);
)sql";

TEST(StoreProvenance, AnOlderDatabaseGainsTheColumns) {
  const std::string path = std::string(MV_BINARY_DIR) + "/store_provenance_test.db";
  std::remove(path.c_str());
  sqlite3* old = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &old), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(old, kOldMessages, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(old);

  {
    Result<std::unique_ptr<ResultStore>> store = ResultStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.error();
    ASSERT_TRUE((*store)->BeginRun({"v", "o", "zone", 0}).ok());
    ASSERT_TRUE((*store)->AddBatch(StoreRecords()).ok());
    const RowList rows = Rows((*store)->db(), kProvenance);
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"old.mbox", "-", "-", "-", "-"}));
    EXPECT_EQ(rows[1][3], "4294967295");
    EXPECT_EQ(rows[4][1], "pst");
  }
  // Opening it again adds nothing twice.
  Result<std::unique_ptr<ResultStore>> again = ResultStore::Open(path);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(Rows((*again)->db(),
                 "SELECT count(*) FROM pragma_table_info('messages') WHERE name IN "
                 "('source_format','folder','uid','uidvalidity')"),
            RowList{{"4"}});
  again->reset();
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
}

}  // namespace
}  // namespace mv
