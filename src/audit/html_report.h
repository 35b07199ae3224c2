// HtmlReport: one self-contained HTML page (inline CSS, JS and SVG; nothing is fetched when it is
// viewed) summarising the results in a ResultStore: results over time by month of the Date field,
// results per sending domain, DKIM key algorithms and sizes over time, failure reasons, and
// sortable tables of domains, keys, failures and bounces. It can be mailed or archived as is.
#pragma once

#include <cstdint>
#include <string>

#include "util/status.h"

struct sqlite3;

namespace mv {

struct HtmlReportOptions {
  int64_t run_id = 0;       // the run to show; 0 shows every run in the database
  size_t top_domains = 20;  // rows of the per-domain chart
  size_t table_rows = 500;  // rows of the failures table (the most recent first)
  std::string title = "mailverify report";
};

Result<std::string> RenderHtmlReport(sqlite3* db, const HtmlReportOptions& options);
// Renders and writes the page to `path` (atomically: a temporary file renamed over it).
Status WriteHtmlReport(sqlite3* db, const HtmlReportOptions& options, const std::string& path);

}  // namespace mv
