// ResultStore on records whose members come from the real JSON writers of each protocol module, so
// a change of those formats that the store does not follow shows here. The example queries of
// docs/REPORTS.md are run against it with answers worked out by hand.
#include "audit/result_store.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <cstdio>
#include <string>
#include <vector>

#include "audit/store_queries.h"
#include "dkim/dkim_verifier.h"
#include "dmarc/dmarc_json.h"
#include "spf/spf_check.h"

namespace mv {
namespace {

struct Sig {
  const char* d;
  const char* s;
  const char* a;
  int bits;
  DkimResultCode result;
  DkimReason reason;
};

std::string Json(const auto& write) {
  std::string out;
  JsonWriter w(&out);
  write(&w);
  return out;
}

MessageRecord MakeRecord(size_t index, const char* from_domain, const char* date,
                         std::vector<Sig> sigs, DmarcResultCode dmarc_result,
                         SpfResult spf_result = SpfResult::kPass) {
  MessageRecord r;
  r.provenance.source = "archive.mbox";
  r.provenance.index = index;
  r.provenance.size = 1000;
  r.message_id = "<m" + std::to_string(index) + "@" + from_domain + ">";
  r.from = std::string("someone@") + from_domain;
  if (date) r.date = date;
  std::vector<DkimResult> dkim;
  for (const Sig& sig : sigs) {
    DkimResult d;
    d.d = sig.d;
    d.s = sig.s;
    d.a = sig.a;
    d.key_bits = sig.bits;
    d.result = sig.result;
    d.reason = sig.reason;
    dkim.push_back(d);
  }
  r.AddMember("dkim", Json([&](JsonWriter* w) { WriteDkimJson(dkim, w); }));
  SpfOutcome spf;
  spf.verdict.result = spf_result;
  spf.identity.kind = "mailfrom";
  spf.identity.domain = from_domain;
  spf.envelope.has_return_path = true;
  spf.envelope.mail_from = std::string("bounce@") + from_domain;
  r.AddMember("spf", Json([&](JsonWriter* w) { WriteSpfJson(spf, w); }));
  DmarcResult dmarc;
  dmarc.result = dmarc_result;
  dmarc.from_domain = from_domain;
  dmarc.org_domain = from_domain;
  dmarc.policy_domain = from_domain;
  DmarcRecord record;
  record.policy = "reject";
  record.rua = {"mailto:agg@" + std::string(from_domain)};
  dmarc.record = record;
  r.AddMember("dmarc", Json([&](JsonWriter* w) { WriteDmarcJson(dmarc, w); }));
  r.AddMember("arc", R"({"result":"none","instances":0,"oldest_pass":0,"hops":[]})");
  return r;
}

constexpr auto kPass = DkimResultCode::kPass;
constexpr auto kFail = DkimResultCode::kFail;
constexpr auto kPerm = DkimResultCode::kPermError;
constexpr auto kOk = DkimReason::kOk;

std::vector<MessageRecord> Archive() {
  std::vector<MessageRecord> r;
  r.push_back(
      MakeRecord(0, "a.example", "2018-06-01T00:00:00Z",
                 {{"a.example", "s1", "rsa-sha256", 1024, kFail, DkimReason::kBodyHashMismatch}},
                 DmarcResultCode::kFail));
  r.push_back(MakeRecord(1, "a.example", "2019-03-01T10:00:00Z",
                         {{"a.example", "s1", "rsa-sha256", 1024, kPass, kOk}},
                         DmarcResultCode::kPass));
  r.push_back(
      MakeRecord(2, "a.example", "2020-01-15T08:00:00Z",
                 {{"a.example", "s2", "rsa-sha256", 2048, kFail, DkimReason::kSignatureMismatch}},
                 DmarcResultCode::kFail));
  r.push_back(MakeRecord(3, "a.example", "2021-07-04T12:00:00Z",
                         {{"a.example", "s2", "rsa-sha256", 0, kPerm, DkimReason::kKeyRevoked}},
                         DmarcResultCode::kFail));
  // Two signatures, one passing: the message's DKIM passes.
  r.push_back(
      MakeRecord(4, "a.example", "2022-02-02T00:00:00Z",
                 {{"esp.example", "e1", "ed25519-sha256", 256, kPass, kOk},
                  {"a.example", "s2", "rsa-sha256", 2048, kFail, DkimReason::kBodyHashMismatch}},
                 DmarcResultCode::kFail));
  r.push_back(MakeRecord(5, "b.example", "2020-05-05T00:00:00Z",
                         {{"b.example", "k", "rsa-sha256", 0, kPerm, DkimReason::kKeyNotFound}},
                         DmarcResultCode::kFail, SpfResult::kSoftFail));
  r.push_back(MakeRecord(6, "b.example", nullptr, {}, DmarcResultCode::kNone));
  return r;
}

class ResultStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<ResultStore>> store = ResultStore::Open(":memory:");
    ASSERT_TRUE(store.ok()) << store.error();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->BeginRun({"0.1.0", "scan x", "zone", 1700000000}).ok());
    std::vector<MessageRecord> records = Archive();
    // Two batches, as the pipeline would send them.
    ASSERT_TRUE(store_->AddBatch(std::span(records).first(3)).ok());
    ASSERT_TRUE(store_->AddBatch(std::span(records).subspan(3)).ok());
    ASSERT_TRUE(store_->EndRun(1700000100, records.size(), 0).ok());
  }

  std::vector<std::vector<std::string>> Rows(const std::string& sql,
                                             const std::vector<std::string>& params = {}) {
    Result<std::vector<std::vector<std::string>>> rows = QueryRows(store_->db(), sql, params);
    EXPECT_TRUE(rows.ok()) << rows.error();
    return rows.ok() ? *rows : std::vector<std::vector<std::string>>{};
  }

  std::unique_ptr<ResultStore> store_;
};

using RowList = std::vector<std::vector<std::string>>;

TEST_F(ResultStoreTest, MessagesCarryTheirSummaries) {
  EXPECT_EQ(Rows("SELECT count(*) FROM messages"), RowList{{"7"}});
  EXPECT_EQ(Rows("SELECT idx, dkim, spf, dmarc, arc, from_domain FROM messages WHERE idx IN (4,5,6)"
                 " ORDER BY idx"),
            (RowList{{"4", "pass", "pass", "fail", "none", "a.example"},
                     {"5", "permerror", "softfail", "fail", "none", "b.example"},
                     {"6", "none", "pass", "none", "none", "b.example"}}));
  EXPECT_EQ(Rows("SELECT count(*) FROM signatures"), RowList{{"7"}});
  EXPECT_EQ(Rows("SELECT started_at, finished_at, messages FROM runs"),
            (RowList{{"2023-11-14T22:13:20Z", "2023-11-14T22:15:00Z", "7"}}));
  EXPECT_EQ(Rows("SELECT policy, rua FROM dmarc JOIN messages m ON m.id = dmarc.message "
                 "WHERE m.idx = 0"),
            (RowList{{"reject", "mailto:agg@a.example"}}));
}

// docs/REPORTS.md, "every message from domain X whose DKIM failed since 2019".
TEST_F(ResultStoreTest, ExampleQueryFailedDkimSinceADate) {
  EXPECT_EQ(Rows("SELECT m.date, m.message_id FROM messages m WHERE m.from_domain = ? "
                 "AND m.dkim NOT IN ('pass', 'none') AND m.date >= '2019-01-01' ORDER BY m.date",
                 {"a.example"}),
            (RowList{{"2020-01-15T08:00:00Z", "<m2@a.example>"},
                     {"2021-07-04T12:00:00Z", "<m3@a.example>"}}));
}

// docs/REPORTS.md, "every key used, with first and last dates seen".
TEST_F(ResultStoreTest, ExampleQueryKeysWithFirstAndLastDates) {
  EXPECT_EQ(Rows("SELECT domain, selector, algorithm, key_bits, first_date, last_date, signatures,"
                 " passes, revoked, missing FROM keys ORDER BY domain, selector, first_date"),
            (RowList{
                {"a.example", "s1", "rsa-sha256", "1024", "2018-06-01T00:00:00Z",
                 "2019-03-01T10:00:00Z", "2", "1", "0", "0"},
                {"a.example", "s2", "rsa-sha256", "2048", "2020-01-15T08:00:00Z",
                 "2022-02-02T00:00:00Z", "2", "0", "0", "0"},
                {"a.example", "s2", "rsa-sha256", "0", "2021-07-04T12:00:00Z",
                 "2021-07-04T12:00:00Z", "1", "0", "1", "0"},
                {"b.example", "k", "rsa-sha256", "0", "2020-05-05T00:00:00Z",
                 "2020-05-05T00:00:00Z", "1", "0", "0", "1"},
                {"esp.example", "e1", "ed25519-sha256", "256", "2022-02-02T00:00:00Z",
                 "2022-02-02T00:00:00Z", "1", "1", "0", "0"},
            }));
  // The same from the raw signatures, per (d, s) regardless of key size.
  EXPECT_EQ(Rows("SELECT s.d, s.s, min(m.date), max(m.date) FROM signatures s JOIN messages m "
                 "ON m.id = s.message GROUP BY s.d, s.s ORDER BY s.d, s.s"),
            (RowList{{"a.example", "s1", "2018-06-01T00:00:00Z", "2019-03-01T10:00:00Z"},
                     {"a.example", "s2", "2020-01-15T08:00:00Z", "2022-02-02T00:00:00Z"},
                     {"b.example", "k", "2020-05-05T00:00:00Z", "2020-05-05T00:00:00Z"},
                     {"esp.example", "e1", "2022-02-02T00:00:00Z", "2022-02-02T00:00:00Z"}}));
}

TEST_F(ResultStoreTest, DomainsAggregateAndANewRunAppends) {
  EXPECT_EQ(Rows("SELECT domain, messages, first_date, last_date, dkim_pass, dkim_fail, dkim_none,"
                 " dmarc_pass, dmarc_fail FROM domains ORDER BY domain"),
            (RowList{{"a.example", "5", "2018-06-01T00:00:00Z", "2022-02-02T00:00:00Z", "2", "3",
                      "0", "1", "4"},
                     {"b.example", "2", "2020-05-05T00:00:00Z", "2020-05-05T00:00:00Z", "0", "1",
                      "1", "0", "1"}}));
  ASSERT_TRUE(store_->BeginRun({"0.1.0", "scan y", "dns", 1700000200}).ok());
  std::vector<MessageRecord> records = Archive();
  ASSERT_TRUE(store_->AddBatch(std::span(records).first(1)).ok());
  ASSERT_TRUE(store_->EndRun(1700000300, 1, 0).ok());
  EXPECT_EQ(Rows("SELECT id, dns_source, messages FROM runs ORDER BY id"),
            (RowList{{"1", "zone", "7"}, {"2", "dns", "1"}}));
  EXPECT_EQ(Rows("SELECT run_id, count(*) FROM messages GROUP BY run_id"),
            (RowList{{"1", "7"}, {"2", "1"}}));
  EXPECT_EQ(Rows("SELECT messages FROM domains WHERE domain = 'a.example'"), RowList{{"6"}});
}

TEST_F(ResultStoreTest, SelectorsSeenForASenderDomain) {
  Result<std::vector<SelectorUse>> uses = SelectorsSeen(store_->db(), "a.example");
  ASSERT_TRUE(uses.ok()) << uses.error();
  ASSERT_EQ(uses->size(), 4u);
  EXPECT_EQ((*uses)[0].d, "a.example");
  EXPECT_EQ((*uses)[0].s, "s1");
  EXPECT_EQ((*uses)[0].signatures, 2);
  EXPECT_EQ((*uses)[0].passes, 1);
  EXPECT_EQ((*uses)[3].d, "esp.example");
  Result<std::vector<DomainSeen>> domains = DomainsSeen(store_->db());
  ASSERT_TRUE(domains.ok());
  ASSERT_EQ(domains->size(), 2u);
  EXPECT_EQ((*domains)[0].domain, "a.example");
  EXPECT_EQ((*domains)[0].messages, 5);
}

TEST(ResultStore, ReopensAFileAndRejectsAMalformedMember) {
  const std::string path = std::string(MV_BINARY_DIR) + "/result_store_test.db";
  std::remove(path.c_str());
  for (int run = 0; run < 2; ++run) {
    Result<std::unique_ptr<ResultStore>> store = ResultStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.error();
    ASSERT_TRUE((*store)->BeginRun({"v", "o", "zone", 0}).ok());
    std::vector<MessageRecord> records = Archive();
    ASSERT_TRUE((*store)->AddBatch(records).ok());
    EXPECT_EQ((*store)->run_id(), run + 1);
    if (run == 1) {
      MessageRecord bad = records[0];
      bad.members[0].json = "[{\"d\":";
      EXPECT_FALSE((*store)->AddBatch(std::span(&bad, 1)).ok());
      // The failed batch was rolled back whole.
      Result<std::vector<std::vector<std::string>>> rows =
          QueryRows((*store)->db(), "SELECT count(*) FROM messages");
      ASSERT_TRUE(rows.ok());
      EXPECT_EQ((*rows)[0][0], "14");
    }
  }
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
}

}  // namespace
}  // namespace mv
