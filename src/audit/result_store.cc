#include "audit/result_store.h"

#include <sqlite3.h>

#include <optional>
#include <string_view>

#include "report/mail_date.h"
#include "util/json_value.h"

namespace mv {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  version TEXT, options TEXT, dns_source TEXT,
  started_at TEXT NOT NULL, finished_at TEXT,
  messages INTEGER, input_errors INTEGER);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  source TEXT NOT NULL, idx INTEGER, offset INTEGER, size INTEGER,
  message_id TEXT, from_header TEXT, from_domain TEXT, subject TEXT,
  date TEXT, date_raw TEXT, error TEXT, input_error INTEGER NOT NULL DEFAULT 0,
  dkim TEXT, spf TEXT, dmarc TEXT, arc TEXT,
  bounce INTEGER NOT NULL DEFAULT 0, bounce_recipient TEXT, bounce_action TEXT,
  bounce_status TEXT,
  source_format TEXT, folder TEXT, uid INTEGER, uidvalidity INTEGER);
CREATE INDEX IF NOT EXISTS messages_run ON messages(run_id);
CREATE INDEX IF NOT EXISTS messages_from_domain_date ON messages(from_domain, date);
CREATE INDEX IF NOT EXISTS messages_date ON messages(date);
CREATE INDEX IF NOT EXISTS messages_message_id ON messages(message_id);
CREATE TABLE IF NOT EXISTS signatures (
  id INTEGER PRIMARY KEY,
  message INTEGER NOT NULL REFERENCES messages(id),
  position INTEGER NOT NULL,
  d TEXT, s TEXT, a TEXT, c TEXT, i TEXT, l INTEGER, t INTEGER, x INTEGER,
  result TEXT, reason TEXT, detail TEXT, key_bits INTEGER, key_source TEXT,
  testing INTEGER, expired INTEGER, weak INTEGER, future INTEGER, key_trust TEXT,
  key_window TEXT);
CREATE INDEX IF NOT EXISTS signatures_message ON signatures(message);
CREATE INDEX IF NOT EXISTS signatures_d_s ON signatures(d, s);
CREATE INDEX IF NOT EXISTS signatures_result ON signatures(result);
CREATE TABLE IF NOT EXISTS spf (
  message INTEGER PRIMARY KEY REFERENCES messages(id),
  result TEXT, reason TEXT, ip TEXT, helo TEXT, mailfrom TEXT, identity TEXT, domain TEXT,
  lookups INTEGER, void_lookups INTEGER, recorded_result TEXT, recorded_differs INTEGER);
CREATE INDEX IF NOT EXISTS spf_domain ON spf(domain);
CREATE TABLE IF NOT EXISTS dmarc (
  message INTEGER PRIMARY KEY REFERENCES messages(id),
  result TEXT, domain TEXT, org_domain TEXT, policy_domain TEXT, policy TEXT,
  subdomain_policy TEXT, applied_policy TEXT, disposition TEXT, pct INTEGER,
  dkim_aligned INTEGER, spf_aligned INTEGER, rua TEXT, reason TEXT);
CREATE INDEX IF NOT EXISTS dmarc_domain ON dmarc(domain);
CREATE TABLE IF NOT EXISTS arc (
  message INTEGER PRIMARY KEY REFERENCES messages(id),
  result TEXT, instances INTEGER, oldest_pass INTEGER, reason TEXT, untrusted_key_passes INTEGER);
CREATE TABLE IF NOT EXISTS domains (
  domain TEXT PRIMARY KEY,
  messages INTEGER NOT NULL, first_date TEXT, last_date TEXT,
  dkim_pass INTEGER NOT NULL, dkim_fail INTEGER NOT NULL, dkim_none INTEGER NOT NULL,
  dmarc_pass INTEGER NOT NULL, dmarc_fail INTEGER NOT NULL, spf_pass INTEGER NOT NULL,
  dmarc_policy TEXT);
CREATE TABLE IF NOT EXISTS keys (
  domain TEXT NOT NULL, selector TEXT NOT NULL, algorithm TEXT NOT NULL,
  key_bits INTEGER NOT NULL,
  first_date TEXT, last_date TEXT,
  signatures INTEGER NOT NULL, passes INTEGER NOT NULL, failures INTEGER NOT NULL,
  revoked INTEGER NOT NULL, missing INTEGER NOT NULL, weak INTEGER NOT NULL, last_reason TEXT,
  PRIMARY KEY (domain, selector, algorithm, key_bits));
)sql";

// The earlier/later of a stored date and a new one; NULL dates never win.
#define MV_MIN_DATE(col)                                                                  \
  "CASE WHEN excluded." col " IS NULL THEN " col " WHEN " col " IS NULL OR excluded." col \
  " < " col " THEN excluded." col " ELSE " col " END"
#define MV_MAX_DATE(col)                                                                  \
  "CASE WHEN excluded." col " IS NULL THEN " col " WHEN " col " IS NULL OR excluded." col \
  " > " col " THEN excluded." col " ELSE " col " END"

constexpr const char* kInsertMessage =
    "INSERT INTO messages (run_id, source, idx, offset, size, message_id, from_header, from_domain,"
    " subject, date, date_raw, error, input_error, dkim, spf, dmarc, arc, bounce, bounce_recipient,"
    " bounce_action, bounce_status, source_format, folder, uid, uidvalidity)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
constexpr const char* kInsertSignature =
    "INSERT INTO signatures (message, position, d, s, a, c, i, l, t, x, result, reason, detail,"
    " key_bits, key_source, testing, expired, weak, future, key_trust, key_window) VALUES "
    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
constexpr const char* kInsertSpf =
    "INSERT INTO spf (message, result, reason, ip, helo, mailfrom, identity, domain, lookups,"
    " void_lookups, recorded_result, recorded_differs) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
constexpr const char* kInsertDmarc =
    "INSERT INTO dmarc (message, result, domain, org_domain, policy_domain, policy,"
    " subdomain_policy, applied_policy, disposition, pct, dkim_aligned, spf_aligned, rua, reason)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
constexpr const char* kInsertArc =
    "INSERT INTO arc (message, result, instances, oldest_pass, reason, untrusted_key_passes)"
    " VALUES (?,?,?,?,?,?)";
constexpr const char* kUpsertDomain =
    "INSERT INTO domains (domain, messages, first_date, last_date, dkim_pass, dkim_fail, dkim_none,"
    " dmarc_pass, dmarc_fail, spf_pass, dmarc_policy) VALUES (?,1,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT(domain) DO UPDATE SET messages = messages + 1,"
    " first_date = " MV_MIN_DATE("first_date") ", last_date = " MV_MAX_DATE("last_date") ","
    " dkim_pass = dkim_pass + excluded.dkim_pass, dkim_fail = dkim_fail + excluded.dkim_fail,"
    " dkim_none = dkim_none + excluded.dkim_none, dmarc_pass = dmarc_pass + excluded.dmarc_pass,"
    " dmarc_fail = dmarc_fail + excluded.dmarc_fail, spf_pass = spf_pass + excluded.spf_pass,"
    " dmarc_policy = coalesce(excluded.dmarc_policy, dmarc_policy)";
constexpr const char* kUpsertKey =
    "INSERT INTO keys (domain, selector, algorithm, key_bits, first_date, last_date, signatures,"
    " passes, failures, revoked, missing, weak, last_reason) VALUES (?,?,?,?,?,?,1,?,?,?,?,?,?)"
    " ON CONFLICT(domain, selector, algorithm, key_bits) DO UPDATE SET"
    " first_date = " MV_MIN_DATE("first_date") ", last_date = " MV_MAX_DATE("last_date") ","
    " signatures = signatures + 1, passes = passes + excluded.passes,"
    " failures = failures + excluded.failures, revoked = revoked + excluded.revoked,"
    " missing = missing + excluded.missing, weak = weak + excluded.weak,"
    " last_reason = excluded.last_reason";

std::string SqliteError(sqlite3* db, std::string_view what) {
  return "sqlite: " + std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
}

// One prepared statement, reset after each use. Binding helpers take positions from 1 in order.
class Statement {
 public:
  Statement() = default;
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool Prepare(sqlite3* db, const char* sql) {
    db_ = db;
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) == SQLITE_OK;
  }
  Statement& Text(std::string_view v) {
    sqlite3_bind_text(stmt_, ++n_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& TextOrNull(const std::optional<std::string>& v) { return v ? Text(*v) : Null(); }
  // JSON strings: an empty or absent value is stored as NULL so queries can say IS NULL.
  Statement& JsonText(const JsonValue& v) {
    return v.is_string() && !v.AsString().empty() ? Text(v.AsString()) : Null();
  }
  Statement& Int(int64_t v) {
    sqlite3_bind_int64(stmt_, ++n_, v);
    return *this;
  }
  Statement& JsonInt(const JsonValue& v) {
    return v.type() == JsonValue::Type::kNumber ? Int(v.AsInt()) : Null();
  }
  Statement& Null() {
    sqlite3_bind_null(stmt_, ++n_);
    return *this;
  }
  Status Run() {
    const int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    n_ = 0;
    if (rc != SQLITE_DONE) return Status::Error(SqliteError(db_, "write"));
    return Status::Ok();
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  int n_ = 0;
};

// ARC seals and message signatures that passed with a key others can hold (key_trust not ok).
int64_t UntrustedArcPasses(const JsonValue& arc) {
  int64_t n = 0;
  for (const JsonValue& hop : arc["hops"].items()) {
    for (const char* part : {"seal", "message_signature"}) {
      const JsonValue& check = hop[part];
      const JsonValue* trust = check.Find("key_trust");
      n += check["result"].AsString() == "pass" && trust != nullptr && trust->AsString() != "ok";
    }
  }
  return n;
}

// The message's DKIM outcome in one word: pass when any signature passes, none when unsigned,
// otherwise the first signature's result (fail, permerror, temperror, neutral, policy).
std::string DkimSummary(const JsonValue& dkim) {
  if (!dkim.is_array()) return std::string();
  if (dkim.items().empty()) return "none";
  for (const JsonValue& sig : dkim.items()) {
    if (sig["result"].AsString() == "pass") return "pass";
  }
  return dkim.items().front()["result"].AsString();
}

std::string JoinStrings(const JsonValue& array) {
  std::string out;
  for (const JsonValue& item : array.items()) {
    if (!out.empty()) out += ",";
    out += item.AsString();
  }
  return out;
}

}  // namespace

const char* ResultStoreSchema() {
  return kSchema;
}

struct ResultStore::Statements {
  Statement message, signature, spf, dmarc, arc, domain, key;
};

Result<std::unique_ptr<ResultStore>> ResultStore::Open(const std::string& path) {
  std::unique_ptr<ResultStore> store(new ResultStore());
  if (sqlite3_open_v2(path.c_str(), &store->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    return Status::Error(SqliteError(store->db_, "cannot open " + path));
  }
  // A scan is the only writer; WAL lets readers query the file while it runs, and NORMAL sync is
  // durable at each checkpoint, which is enough for results that can be recomputed.
  if (path != ":memory:") {
    if (Status s = store->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !s.ok()) {
      return s;
    }
  }
  if (Status s = store->Exec(kSchema); !s.ok()) return s;
  // Databases written before key trust (and before store provenance: source_format, folder, and
  // IMAP's uid/uidvalidity) lack these columns; CREATE IF NOT EXISTS keeps the old table, so add
  // them.
  struct Added {
    const char* table;
    const char* column;
    const char* type;
  };
  for (const Added& a :
       {Added{"signatures", "key_trust", "TEXT"}, Added{"signatures", "key_window", "TEXT"},
        Added{"arc", "untrusted_key_passes", "INTEGER"}, Added{"messages", "source_format", "TEXT"},
        Added{"messages", "folder", "TEXT"}, Added{"messages", "uid", "INTEGER"},
        Added{"messages", "uidvalidity", "INTEGER"}}) {
    if (store->HasColumn(a.table, a.column)) continue;
    const std::string sql =
        std::string("ALTER TABLE ") + a.table + " ADD COLUMN " + a.column + " " + a.type;
    if (Status s = store->Exec(sql.c_str()); !s.ok()) return s;
  }
  if (Status s = store->Prepare(); !s.ok()) return s;
  return store;
}

ResultStore::~ResultStore() {
  stmts_.reset();  // statements before the connection
  sqlite3_close(db_);
}

Status ResultStore::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return Status::Error("sqlite: " + text);
  }
  return Status::Ok();
}

bool ResultStore::HasColumn(const char* table, const char* column) {
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = std::string("PRAGMA table_info(") + table + ")";
  bool found = false;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    while (!found && sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* name = sqlite3_column_text(stmt, 1);
      found = name != nullptr && std::string_view(reinterpret_cast<const char*>(name)) == column;
    }
  }
  sqlite3_finalize(stmt);
  return found;
}

Status ResultStore::Prepare() {
  stmts_ = std::make_unique<Statements>();
  Statements& s = *stmts_;
  if (!s.message.Prepare(db_, kInsertMessage) || !s.signature.Prepare(db_, kInsertSignature) ||
      !s.spf.Prepare(db_, kInsertSpf) || !s.dmarc.Prepare(db_, kInsertDmarc) ||
      !s.arc.Prepare(db_, kInsertArc) || !s.domain.Prepare(db_, kUpsertDomain) ||
      !s.key.Prepare(db_, kUpsertKey)) {
    return Status::Error(SqliteError(db_, "prepare"));
  }
  return Status::Ok();
}

Status ResultStore::BeginRun(const RunInfo& info) {
  Statement insert;
  if (!insert.Prepare(
          db_, "INSERT INTO runs (version, options, dns_source, started_at) VALUES (?,?,?,?)")) {
    return Status::Error(SqliteError(db_, "prepare"));
  }
  insert.Text(info.version).Text(info.options).Text(info.dns_source);
  insert.Text(FormatIso8601Utc(info.started_at));
  if (Status s = insert.Run(); !s.ok()) return s;
  run_id_ = sqlite3_last_insert_rowid(db_);
  return Status::Ok();
}

Status ResultStore::EndRun(int64_t finished_at, uint64_t messages, uint64_t input_errors) {
  Statement update;
  if (!update.Prepare(
          db_, "UPDATE runs SET finished_at = ?, messages = ?, input_errors = ? WHERE id = ?")) {
    return Status::Error(SqliteError(db_, "prepare"));
  }
  update.Text(FormatIso8601Utc(finished_at))
      .Int(static_cast<int64_t>(messages))
      .Int(static_cast<int64_t>(input_errors))
      .Int(run_id_);
  return update.Run();
}

Status ResultStore::AddBatch(std::span<const MessageRecord> records) {
  if (Status s = Exec("BEGIN"); !s.ok()) return s;
  for (const MessageRecord& record : records) {
    if (Status s = AddRecord(record); !s.ok()) {
      (void)Exec("ROLLBACK");
      return s;
    }
  }
  return Exec("COMMIT");
}

Status ResultStore::AddRecord(const MessageRecord& r) {
  // The checks' members, parsed back; a member that does not parse is left out (and said so).
  JsonValue dkim, spf, dmarc, arc, bounce, dsn;
  for (const RecordMember& m : r.members) {
    JsonValue* target = m.key == "dkim"     ? &dkim
                        : m.key == "spf"    ? &spf
                        : m.key == "dmarc"  ? &dmarc
                        : m.key == "arc"    ? &arc
                        : m.key == "bounce" ? &bounce
                        : m.key == "dsn"    ? &dsn
                                            : nullptr;
    if (target == nullptr) continue;
    Result<JsonValue> parsed = JsonValue::Parse(m.json);
    if (!parsed.ok()) return Status::Error("member " + m.key + ": " + parsed.error());
    *target = std::move(*parsed);
  }
  const std::string dkim_summary = DkimSummary(dkim);
  const std::string& from_domain = dmarc["domain"].AsString();
  const auto text_or_null = [](const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
  };

  Statements& st = *stmts_;
  st.message.Int(run_id_).Text(r.provenance.source);
  if (r.input_error) {
    st.message.Null().Null().Null();
  } else {
    st.message.Int(static_cast<int64_t>(r.provenance.index))
        .Int(static_cast<int64_t>(r.provenance.offset))
        .Int(static_cast<int64_t>(r.provenance.size));
  }
  st.message.TextOrNull(r.message_id).TextOrNull(r.from).TextOrNull(text_or_null(from_domain));
  st.message.TextOrNull(r.subject).TextOrNull(r.date).TextOrNull(r.date_raw);
  st.message.TextOrNull(text_or_null(r.error)).Int(r.input_error ? 1 : 0);
  st.message.TextOrNull(text_or_null(dkim_summary))
      .JsonText(spf["result"])
      .JsonText(dmarc["result"])
      .JsonText(arc["result"]);
  st.message.Int(bounce.AsBool() ? 1 : 0)
      .JsonText(dsn["final_recipient"])
      .JsonText(dsn["action"])
      .JsonText(dsn["status"]);
  // Where the message can be found again: an input error keeps only what it was taken for.
  const Provenance& p = r.provenance;
  st.message.TextOrNull(
      text_or_null(p.source_format.empty() && r.input_error ? "unknown" : p.source_format));
  st.message.TextOrNull(text_or_null(r.input_error ? std::string() : p.folder));
  if (p.uid && !r.input_error) {
    st.message.Int(*p.uid);
  } else {
    st.message.Null();
  }
  if (p.uidvalidity && !r.input_error) {
    st.message.Int(*p.uidvalidity);
  } else {
    st.message.Null();
  }
  if (Status s = st.message.Run(); !s.ok()) return s;
  const int64_t message = sqlite3_last_insert_rowid(db_);

  int position = 0;
  for (const JsonValue& sig : dkim.items()) {
    st.signature.Int(message).Int(position++);
    st.signature.JsonText(sig["d"]).JsonText(sig["s"]).JsonText(sig["a"]).JsonText(sig["c"]);
    st.signature.JsonText(sig["i"]).JsonInt(sig["l"]).JsonInt(sig["t"]).JsonInt(sig["x"]);
    st.signature.JsonText(sig["result"]).JsonText(sig["reason"]).JsonText(sig["detail"]);
    st.signature.Int(sig["key_bits"].AsInt()).JsonText(sig["key_source"]);
    st.signature.Int(sig["testing"].AsBool()).Int(sig["expired"].AsBool());
    st.signature.Int(sig["weak"].AsBool()).Int(sig["future"].AsBool());
    st.signature.JsonText(sig["key_trust"]).JsonText(sig["key_window"]);
    if (Status s = st.signature.Run(); !s.ok()) return s;

    const std::string& d = sig["d"].AsString();
    const std::string& sel = sig["s"].AsString();
    if (d.empty() || sel.empty()) continue;  // a signature without d=/s= names no key
    const std::string& result = sig["result"].AsString();
    const std::string& reason = sig["reason"].AsString();
    st.key.Text(d).Text(sel).Text(sig["a"].AsString()).Int(sig["key_bits"].AsInt());
    st.key.TextOrNull(r.date).TextOrNull(r.date);
    st.key.Int(result == "pass").Int(result == "fail" || result == "permerror");
    st.key.Int(reason == "key-revoked").Int(reason == "key-not-found");
    st.key.Int(sig["weak"].AsBool() || reason == "key-too-small" || reason == "weak-algorithm");
    st.key.Text(reason);
    if (Status s = st.key.Run(); !s.ok()) return s;
  }

  if (spf.is_object()) {
    st.spf.Int(message).JsonText(spf["result"]).JsonText(spf["reason"]).JsonText(spf["ip"]);
    st.spf.JsonText(spf["helo"]);
    // The null reverse-path ("") is kept as "", unlike other empty strings.
    if (spf["mailfrom"].is_string()) {
      st.spf.Text(spf["mailfrom"].AsString());
    } else {
      st.spf.Null();
    }
    st.spf.JsonText(spf["identity"]).JsonText(spf["domain"]).JsonInt(spf["lookups"]);
    st.spf.JsonInt(spf["void_lookups"]).JsonText(spf["recorded_result"]);
    st.spf.Int(spf["recorded_differs"].AsBool());
    if (Status s = st.spf.Run(); !s.ok()) return s;
  }
  if (dmarc.is_object()) {
    st.dmarc.Int(message).JsonText(dmarc["result"]).JsonText(dmarc["domain"]);
    st.dmarc.JsonText(dmarc["org_domain"]).JsonText(dmarc["policy_domain"]);
    // The column is the record's p=; the record's "policy" is the one applied (after sp/np/t=).
    st.dmarc.JsonText(dmarc["p"]).JsonText(dmarc["subdomain_policy"]);
    st.dmarc.JsonText(dmarc["applied"]["policy"]).JsonText(dmarc["disposition"]);
    st.dmarc.JsonInt(dmarc["pct"]);
    st.dmarc.Int(dmarc["dkim_aligned"].AsBool()).Int(dmarc["spf_aligned"].AsBool());
    st.dmarc.TextOrNull(text_or_null(JoinStrings(dmarc["rua"]))).JsonText(dmarc["reason"]);
    if (Status s = st.dmarc.Run(); !s.ok()) return s;
  }
  if (arc.is_object()) {
    st.arc.Int(message).JsonText(arc["result"]).JsonInt(arc["instances"]);
    st.arc.JsonInt(arc["oldest_pass"]).JsonText(arc["reason"]);
    st.arc.Int(UntrustedArcPasses(arc));
    if (Status s = st.arc.Run(); !s.ok()) return s;
  }
  if (!from_domain.empty()) {
    const std::string& dmarc_result = dmarc["result"].AsString();
    st.domain.Text(from_domain).TextOrNull(r.date).TextOrNull(r.date);
    st.domain.Int(dkim_summary == "pass").Int(dkim_summary != "pass" && dkim_summary != "none");
    st.domain.Int(dkim_summary == "none");
    st.domain.Int(dmarc_result == "pass").Int(dmarc_result == "fail");
    st.domain.Int(spf["result"].AsString() == "pass").JsonText(dmarc["p"]);
    if (Status s = st.domain.Run(); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace mv
