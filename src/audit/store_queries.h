// Read-side queries over a ResultStore database shared by the `domains` command and the HTML
// report, so that both show the same numbers as an SQL user would get.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audit/domain_audit.h"
#include "util/status.h"

struct sqlite3;

namespace mv {

struct DomainSeen {
  std::string domain;
  int64_t messages = 0;
  std::string first_date, last_date;
};

// Sender (From) domains in the database, most messages first; at most `limit` (0: all).
Result<std::vector<DomainSeen>> DomainsSeen(sqlite3* db, size_t limit = 0);
// The DKIM selectors that signed mail from `from_domain`, with first and last message dates.
Result<std::vector<SelectorUse>> SelectorsSeen(sqlite3* db, const std::string& from_domain);

// Runs `sql` (with `?` parameters bound to `params` as text) and returns every row as text
// (NULL as ""). For reports and tests; not for large results.
Result<std::vector<std::vector<std::string>>> QueryRows(
    sqlite3* db, const std::string& sql, const std::vector<std::string>& params = {});

}  // namespace mv
