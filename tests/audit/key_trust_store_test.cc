// Key trust in the audit outputs: the SQLite store keeps each signature's key_trust and key_window,
// the `domains` audit counts passes made with a key others can hold, the `arc` table counts ARC
// seals and signatures made with such keys, the HTML report charts both, and a database written
// before these columns existed is upgraded in place.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "audit/domain_audit.h"
#include "audit/html_report.h"
#include "audit/result_store.h"
#include "audit/store_queries.h"
#include "dns/memory_source.h"

namespace mv {
namespace {

using RowList = std::vector<std::vector<std::string>>;

// One message from a.example with one signature, as the DKIM JSON writer emits it.
MessageRecord Record(size_t index, const char* date, const std::string& signature) {
  MessageRecord r;
  r.provenance.source = "a.mbox";
  r.provenance.index = index;
  r.date = date;
  r.from = "x@a.example";
  r.AddMember("dkim", "[" + signature + "]");
  r.AddMember("dmarc", R"({"result":"pass","domain":"a.example"})");
  return r;
}

std::string Signature(const char* s, const char* result, const char* key_trust,
                      const char* key_window = nullptr) {
  std::string sig = std::string(R"({"d":"a.example","s":")") + s +
                    R"(","a":"rsa-sha256","result":")" + result + R"(","key_bits":2048)";
  if (key_trust != nullptr) {
    sig += std::string(R"(,"key_trust":")") + key_trust + R"(","key_trust_detail":[])";
  }
  if (key_window != nullptr) sig += std::string(R"(,"key_window":")") + key_window + "\"";
  return sig + "}";
}

// s1: a key with a shared prime, two passes and a failure; s2: an ordinary key; s3: no key found.
std::vector<MessageRecord> Archive() {
  return {
      Record(0, "2020-01-01T00:00:00Z", Signature("s1", "pass", "shared-prime", "outside")),
      Record(1, "2020-02-01T00:00:00Z", Signature("s1", "pass", "shared-prime")),
      Record(2, "2020-03-01T00:00:00Z", Signature("s1", "fail", "shared-prime")),
      Record(3, "2020-04-01T00:00:00Z", Signature("s2", "pass", "ok", "inside")),
      Record(4, "2020-05-01T00:00:00Z", Signature("s3", "permerror", nullptr)),
  };
}

RowList Rows(sqlite3* db, const std::string& sql) {
  Result<RowList> rows = QueryRows(db, sql, {});
  EXPECT_TRUE(rows.ok()) << rows.error();
  return rows.ok() ? *rows : RowList{};
}

std::unique_ptr<ResultStore> StoreWith(const std::string& path) {
  Result<std::unique_ptr<ResultStore>> store = ResultStore::Open(path);
  EXPECT_TRUE(store.ok()) << store.error();
  if (!store.ok()) return nullptr;
  EXPECT_TRUE((*store)->BeginRun({"v", "o", "zone", 0}).ok());
  std::vector<MessageRecord> records = Archive();
  EXPECT_TRUE((*store)->AddBatch(records).ok());
  return std::move(*store);
}

TEST(KeyTrustStore, SignaturesKeepKeyTrustAndWindow) {
  std::unique_ptr<ResultStore> store = StoreWith(":memory:");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Rows(store->db(),
                 "SELECT s, result, coalesce(key_trust, '-'), "
                 "coalesce(key_window, '-') FROM signatures ORDER BY message"),
            (RowList{{"s1", "pass", "shared-prime", "outside"},
                     {"s1", "pass", "shared-prime", "-"},
                     {"s1", "fail", "shared-prime", "-"},
                     {"s2", "pass", "ok", "inside"},
                     {"s3", "permerror", "-", "-"}}));
}

TEST(KeyTrustStore, DomainsAuditCountsPassesWithKeysOthersCanHold) {
  std::unique_ptr<ResultStore> store = StoreWith(":memory:");
  ASSERT_NE(store, nullptr);
  Result<std::vector<SelectorUse>> uses = SelectorsSeen(store->db(), "a.example");
  ASSERT_TRUE(uses.ok()) << uses.error();
  ASSERT_EQ(uses->size(), 3u);
  EXPECT_EQ((*uses)[0].s, "s1");
  EXPECT_EQ((*uses)[0].passes, 2);
  EXPECT_EQ((*uses)[0].untrusted_passes, 2);  // the failure does not count
  EXPECT_EQ((*uses)[0].key_trust, "shared-prime");
  EXPECT_EQ((*uses)[1].untrusted_passes, 0);
  EXPECT_EQ((*uses)[1].key_trust, "");  // ok is not listed
  EXPECT_EQ((*uses)[2].untrusted_passes, 0);

  MemoryDnsSource dns;  // every key is missing now; the finding comes from the store alone
  DomainPosture posture = AuditDomain("a.example", dns, *uses);
  const std::vector<std::string>& s1 = posture.selectors[0].problems;
  EXPECT_NE(std::find(s1.begin(), s1.end(),
                      "passes made with a key others can hold: 2 (key_trust shared-prime)"),
            s1.end());
  for (const std::string& p : posture.selectors[1].problems) {
    EXPECT_EQ(p.find("others can hold"), std::string::npos) << p;
  }
  std::string json;
  JsonWriter w(&json);
  WriteDomainPostureJson(posture, &w);
  EXPECT_NE(json.find(R"("untrusted_passes":2,"key_trust":"shared-prime")"), std::string::npos)
      << json;
  EXPECT_NE(FormatDomainPostures({posture}).find("others can hold: 2"), std::string::npos);
}

TEST(KeyTrustStore, HtmlReportChartsPassesWithUntrustedKeys) {
  std::unique_ptr<ResultStore> store = StoreWith(":memory:");
  ASSERT_NE(store, nullptr);
  Result<std::string> html = RenderHtmlReport(store->db(), {});
  ASSERT_TRUE(html.ok()) << html.error();
  EXPECT_NE(html->find("DKIM pass with key shared-prime count: 2"), std::string::npos);
  EXPECT_EQ(html->find("DKIM pass with key ok"), std::string::npos);
}

// An ARC set as the ARC JSON writer emits it: a seal and a message signature, both passing.
MessageRecord ArcRecord(size_t index, const char* seal_trust, const char* signature_trust) {
  MessageRecord r = Record(index, "2021-01-01T00:00:00Z", Signature("s2", "pass", "ok"));
  auto check = [](const char* trust) {
    std::string c = R"({"d":"list.example","s":"arc","result":"pass","key_bits":1024)";
    if (trust != nullptr)
      c += std::string(R"(,"key_trust":")") + trust + R"(","key_trust_detail":[])";
    return c + "}";
  };
  r.AddMember("arc", std::string(R"({"result":"pass","instances":1,"oldest_pass":0,"hops":[)") +
                         R"({"instance":1,"seal":)" + check(seal_trust) +
                         R"(,"message_signature":)" + check(signature_trust) + "}]}");
  return r;
}

TEST(KeyTrustStore, ArcPassesWithUntrustedKeysAreCounted) {
  Result<std::unique_ptr<ResultStore>> store = ResultStore::Open(":memory:");
  ASSERT_TRUE(store.ok()) << store.error();
  ASSERT_TRUE((*store)->BeginRun({"v", "o", "zone", 0}).ok());
  std::vector<MessageRecord> records = {
      ArcRecord(0, "published-private-key", "published-private-key"), ArcRecord(1, "ok", "ok"),
      ArcRecord(2, nullptr, nullptr),  // keys not judged (no key found)
  };
  ASSERT_TRUE((*store)->AddBatch(records).ok());
  EXPECT_EQ(Rows((*store)->db(), "SELECT untrusted_key_passes FROM arc ORDER BY message"),
            (RowList{{"2"}, {"0"}, {"0"}}));
  Result<std::string> html = RenderHtmlReport((*store)->db(), {});
  ASSERT_TRUE(html.ok()) << html.error();
  EXPECT_NE(html->find("ARC pass with a key others can hold count: 1"), std::string::npos);
}

TEST(KeyTrustStore, OldDatabaseGainsTheColumns) {
  const std::string path = std::string(MV_BINARY_DIR) + "/key_trust_store_test.db";
  std::remove(path.c_str());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  // The signatures table as written before key trust existed.
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE signatures (id INTEGER PRIMARY KEY, message INTEGER NOT "
                         "NULL, position INTEGER NOT NULL, d TEXT, s TEXT, a TEXT, c TEXT, i TEXT, "
                         "l INTEGER, t INTEGER, x INTEGER, result TEXT, reason TEXT, detail TEXT, "
                         "key_bits INTEGER, key_source TEXT, testing INTEGER, expired INTEGER, "
                         "weak INTEGER, future INTEGER);"
                         "CREATE TABLE arc (message INTEGER PRIMARY KEY, result TEXT, "
                         "instances INTEGER, oldest_pass INTEGER, reason TEXT)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  {
    std::unique_ptr<ResultStore> store = StoreWith(path);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(Rows(store->db(), "SELECT count(*) FROM signatures WHERE key_trust = 'shared-prime'"),
              RowList{{"3"}});
    EXPECT_EQ(Rows(store->db(), "SELECT count(*) FROM signatures WHERE key_window = 'inside'"),
              RowList{{"1"}});
    EXPECT_EQ(Rows(store->db(), "SELECT count(*) FROM arc WHERE untrusted_key_passes IS NULL"),
              RowList{{"0"}});
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

}  // namespace
}  // namespace mv
