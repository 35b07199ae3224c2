#include "audit/store_queries.h"

#include <sqlite3.h>

#include <cstdlib>

namespace mv {

Result<std::vector<std::vector<std::string>>> QueryRows(sqlite3* db, const std::string& sql,
                                                        const std::vector<std::string>& params) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return Status::Error(std::string("sqlite: ") + sqlite3_errmsg(db));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].data(),
                      static_cast<int>(params[i].size()), SQLITE_TRANSIENT);
  }
  std::vector<std::vector<std::string>> rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const int n = sqlite3_column_count(stmt);
    std::vector<std::string> row;
    row.reserve(static_cast<size_t>(n));
    for (int c = 0; c < n; ++c) {
      const unsigned char* text = sqlite3_column_text(stmt, c);
      row.emplace_back(text ? reinterpret_cast<const char*>(text) : "",
                       static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return Status::Error(std::string("sqlite: ") + sqlite3_errmsg(db));
  return rows;
}

Result<std::vector<DomainSeen>> DomainsSeen(sqlite3* db, size_t limit) {
  std::string sql =
      "SELECT domain, messages, coalesce(first_date, ''), coalesce(last_date, '') FROM domains "
      "ORDER BY messages DESC, domain";
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  Result<std::vector<std::vector<std::string>>> rows = QueryRows(db, sql);
  if (!rows.ok()) return rows.status();
  std::vector<DomainSeen> out;
  for (const auto& row : *rows) {
    out.push_back({row[0], std::strtoll(row[1].c_str(), nullptr, 10), row[2], row[3]});
  }
  return out;
}

Result<std::vector<SelectorUse>> SelectorsSeen(sqlite3* db, const std::string& from_domain) {
  Result<std::vector<std::vector<std::string>>> rows =
      QueryRows(db,
                "SELECT s.d, s.s, coalesce(s.a, ''), s.key_bits, coalesce(min(m.date), ''), "
                "coalesce(max(m.date), ''), count(*), sum(s.result = 'pass'), "
                "coalesce(sum(s.result = 'pass' AND s.key_trust <> 'ok'), 0), "
                "coalesce(group_concat(DISTINCT nullif(s.key_trust, 'ok')), '') "
                "FROM signatures s JOIN messages m ON s.message = m.id "
                "WHERE m.from_domain = ? AND s.d IS NOT NULL AND s.s IS NOT NULL "
                "GROUP BY s.d, s.s, s.a, s.key_bits ORDER BY s.d, s.s, min(m.date)",
                {from_domain});
  if (!rows.ok()) return rows.status();
  std::vector<SelectorUse> out;
  for (const auto& row : *rows) {
    SelectorUse use;
    use.d = row[0];
    use.s = row[1];
    use.a = row[2];
    use.key_bits = std::atoi(row[3].c_str());
    use.first_date = row[4];
    use.last_date = row[5];
    use.signatures = std::strtoll(row[6].c_str(), nullptr, 10);
    use.passes = std::strtoll(row[7].c_str(), nullptr, 10);
    use.untrusted_passes = std::strtoll(row[8].c_str(), nullptr, 10);
    use.key_trust = row[9];
    out.push_back(std::move(use));
  }
  return out;
}

}  // namespace mv
