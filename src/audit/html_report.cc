#include "audit/html_report.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "audit/store_queries.h"
#include "audit/svg_chart.h"

namespace mv {
namespace {

using Rows = std::vector<std::vector<std::string>>;

constexpr const char* kPass = "#2e7d32";
constexpr const char* kFail = "#c62828";
constexpr const char* kNone = "#9e9e9e";
constexpr const char* kOther = "#f9a825";
// Series colours for key kinds; the pass/fail green and red are left out so they keep one meaning.
constexpr const char* kPalette[] = {"#1565c0", "#6a1b9a", "#00838f", "#ef6c00",
                                    "#ad1457", "#4e342e", "#546e7a", "#9e9d24"};

constexpr const char* kStyle = R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.totals{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.totals div{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:110px}
.totals b{display:block;font-size:20px}
figure{margin:8px 0}figcaption{font-weight:600;margin-bottom:4px}
svg text{font:11px system-ui,sans-serif;fill:#333}svg .grid{stroke:#eee}
table{border-collapse:collapse;margin:6px 0;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f3f3f3;cursor:pointer;user-select:none;white-space:nowrap}
th.asc::after{content:" \25B2"}th.desc::after{content:" \25BC"}
td.num{text-align:right}tr:nth-child(even) td{background:#fafafa}
.muted{color:#777}
)css";

// The first script: any later script error is written onto <html data-js-errors> so that a
// headless browser test can see it in the DOM.
constexpr const char* kErrorHook = R"js(
window.mvErrors=[];
window.addEventListener('error',function(e){window.mvErrors.push(String(e.message));
document.documentElement.setAttribute('data-js-errors',window.mvErrors.join(' | '));});
)js";

// Click a header to sort by that column; numbers sort as numbers. Ends by marking the page ready.
constexpr const char* kSortScript = R"js(
(function(){
function cell(r,i){return r.children[i]?r.children[i].textContent.trim():'';}
document.querySelectorAll('table.sortable').forEach(function(t){
 t.querySelectorAll('th').forEach(function(th,i){
  th.addEventListener('click',function(){
   var body=t.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
   var asc=!th.classList.contains('asc');
   t.querySelectorAll('th').forEach(function(h){h.classList.remove('asc','desc');});
   th.classList.add(asc?'asc':'desc');
   var numeric=rows.every(function(r){var v=cell(r,i);return v===''||!isNaN(Number(v));});
   rows.sort(function(a,b){var x=cell(a,i),y=cell(b,i);
    var c=numeric?(Number(x)-Number(y)):x.localeCompare(y);return asc?c:-c;});
   rows.forEach(function(r){body.appendChild(r);});
  });
 });
});
document.documentElement.setAttribute('data-ready','1');
})();
)js";

double ToNum(const std::string& s) {
  return std::strtod(s.c_str(), nullptr);
}

// A sortable table; columns whose name starts with '#' are numeric (right-aligned).
std::string Table(const std::vector<std::string>& columns, const Rows& rows) {
  std::string out = "<table class=\"sortable\"><thead><tr>";
  for (const std::string& c : columns) {
    out += "<th>" + HtmlEscape(c[0] == '#' ? c.substr(1) : c) + "</th>";
  }
  out += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size() && i < columns.size(); ++i) {
      out += columns[i][0] == '#' ? "<td class=\"num\">" : "<td>";
      out += HtmlEscape(row[i]) + "</td>";
    }
    out += "</tr>";
  }
  out += "</tbody></table>\n";
  if (rows.empty()) out += "<p class=\"muted\">none</p>\n";
  return out;
}

// Every month from the first to the last of `months` ("YYYY-MM"), so gaps show as gaps.
std::vector<std::string> MonthRange(const std::set<std::string>& months) {
  std::vector<std::string> out;
  if (months.empty()) return out;
  int y = std::atoi(months.begin()->substr(0, 4).c_str());
  int m = std::atoi(months.begin()->substr(5, 2).c_str());
  const std::string& last = *months.rbegin();
  char buf[16];
  for (int guard = 0; guard < 12 * 200; ++guard) {
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    out.emplace_back(buf);
    if (out.back() >= last) break;
    if (++m > 12) {
      m = 1;
      ++y;
    }
  }
  return out;
}

class ReportBuilder {
 public:
  ReportBuilder(sqlite3* db, const HtmlReportOptions& options) : db_(db), options_(options) {
    filter_ = options.run_id > 0 ? " m.run_id = " + std::to_string(options.run_id) + " " : " 1 ";
  }

  Result<std::string> Build() {
    std::string html =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width\">"
        "<title>" +
        HtmlEscape(options_.title) + "</title><script>" + kErrorHook + "</script><style>" + kStyle +
        "</style></head><body>\n";
    html += "<h1>" + HtmlEscape(options_.title) + "</h1>\n";
    for (auto step : {&ReportBuilder::Totals, &ReportBuilder::OverTime, &ReportBuilder::Domains,
                      &ReportBuilder::Keys, &ReportBuilder::Failures}) {
      Status s = (this->*step)(&html);
      if (!s.ok()) return s;
    }
    html += "<script>" + std::string(kSortScript) + "</script>\n</body></html>\n";
    return html;
  }

 private:
  Result<Rows> Query(const std::string& sql) { return QueryRows(db_, sql); }

  Status Totals(std::string* html) {
    Result<Rows> runs = Query(
        "SELECT count(*), coalesce(min(started_at),''), coalesce(max(finished_at),''), "
        "coalesce(group_concat(DISTINCT dns_source),'') FROM runs m WHERE" +
        std::string(options_.run_id > 0 ? " m.id = " + std::to_string(options_.run_id) : " 1"));
    if (!runs.ok()) return runs.status();
    const auto& r = (*runs)[0];
    *html += "<p class=\"muted\">" + HtmlEscape(r[0]) + " run(s), " + HtmlEscape(r[1]) + " to " +
             HtmlEscape(r[2]) + "; DNS: " + HtmlEscape(r[3]) + "</p>\n";
    Result<Rows> t = Query(
        "SELECT count(*), sum(dkim='pass'), sum(dkim NOT IN ('pass','none')), sum(dkim='none'), "
        "sum(dmarc='pass'), sum(dmarc='fail'), sum(spf='pass'), sum(arc='pass'), sum(bounce), "
        "sum(date IS NULL), sum(error IS NOT NULL) FROM messages m WHERE input_error = 0 AND" +
        filter_);
    if (!t.ok()) return t.status();
    static const char* kLabels[] = {"messages",   "DKIM pass",  "DKIM fail",  "unsigned",
                                    "DMARC pass", "DMARC fail", "SPF pass",   "ARC pass",
                                    "bounces",    "no date",    "with errors"};
    *html += "<div class=\"totals\">";
    for (size_t i = 0; i < 11; ++i) {
      const std::string v = (*t)[0][i].empty() ? "0" : (*t)[0][i];
      *html += "<div><b>" + HtmlEscape(v) + "</b>" + kLabels[i] + "</div>";
    }
    *html += "</div>\n";
    return Status::Ok();
  }

  Status OverTime(std::string* html) {
    Result<Rows> rows = Query(
        "SELECT substr(date,1,7), sum(dkim='pass'), sum(dkim NOT IN ('pass','none')), "
        "sum(dkim='none'), sum(dmarc='pass'), sum(dmarc='fail'), "
        "sum(dmarc IS NULL OR dmarc NOT IN ('pass','fail')) FROM messages m "
        "WHERE date IS NOT NULL AND" +
        filter_ + "GROUP BY 1 ORDER BY 1");
    if (!rows.ok()) return rows.status();
    std::set<std::string> months;
    std::map<std::string, const std::vector<std::string>*> by_month;
    for (const auto& row : *rows) {
      months.insert(row[0]);
      by_month[row[0]] = &row;
    }
    StackedBars dkim{"DKIM results by month of the Date field",
                     MonthRange(months),
                     {{"pass", kPass, {}}, {"fail", kFail, {}}, {"none", kNone, {}}},
                     false};
    StackedBars dmarc{"DMARC results by month of the Date field",
                      dkim.categories,
                      {{"pass", kPass, {}}, {"fail", kFail, {}}, {"none/other", kNone, {}}},
                      false};
    for (const std::string& month : dkim.categories) {
      auto it = by_month.find(month);
      for (size_t s = 0; s < 3; ++s) {
        dkim.series[s].values.push_back(it == by_month.end() ? 0 : ToNum((*it->second)[1 + s]));
        dmarc.series[s].values.push_back(it == by_month.end() ? 0 : ToNum((*it->second)[4 + s]));
      }
    }
    *html += "<h2>Results over time</h2>\n" + RenderStackedBars(dkim, 1100) +
             RenderStackedBars(dmarc, 1100);
    return Status::Ok();
  }

  Status Domains(std::string* html) {
    Result<Rows> rows = Query(
        "SELECT from_domain, count(*), sum(dkim='pass'), sum(dkim NOT IN ('pass','none')), "
        "sum(dkim='none'), sum(dmarc='pass'), sum(dmarc='fail'), min(date), max(date), "
        "max(d.policy) FROM messages m LEFT JOIN dmarc d ON d.message = m.id "
        "WHERE from_domain IS NOT NULL AND" +
        filter_ + "GROUP BY from_domain ORDER BY count(*) DESC, from_domain");
    if (!rows.ok()) return rows.status();
    StackedBars chart{
        "DKIM results per sending domain (top " + std::to_string(options_.top_domains) + ")",
        {},
        {{"pass", kPass, {}}, {"fail", kFail, {}}, {"none", kNone, {}}},
        true};
    Rows table;
    for (size_t i = 0; i < rows->size(); ++i) {
      const auto& row = (*rows)[i];
      if (i < options_.top_domains) {
        chart.categories.push_back(row[0]);
        for (size_t s = 0; s < 3; ++s) chart.series[s].values.push_back(ToNum(row[2 + s]));
      }
      table.push_back(
          {row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[9], row[7], row[8]});
    }
    *html += "<h2>Sending domains</h2>\n" + RenderStackedBars(chart, 1100);
    *html += Table({"domain", "#messages", "#DKIM pass", "#DKIM fail", "#unsigned", "#DMARC pass",
                    "#DMARC fail", "DMARC p=", "first", "last"},
                   table);
    return Status::Ok();
  }

  Status Keys(std::string* html) {
    Result<Rows> rows = Query(
        "SELECT substr(m.date,1,4), coalesce(s.a,'?') || ' ' || s.key_bits, count(*) "
        "FROM signatures s JOIN messages m ON s.message = m.id "
        "WHERE m.date IS NOT NULL AND s.key_bits > 0 AND" +
        filter_ + "GROUP BY 1, 2 ORDER BY 1, 2");
    if (!rows.ok()) return rows.status();
    std::set<std::string> years, kinds;
    std::map<std::pair<std::string, std::string>, double> counts;
    for (const auto& row : *rows) {
      years.insert(row[0]);
      kinds.insert(row[1]);
      counts[{row[0], row[1]}] = ToNum(row[2]);
    }
    StackedBars chart{
        "Verified DKIM keys: algorithm and size by year", {years.begin(), years.end()}, {}, false};
    size_t color = 0;
    for (const std::string& kind : kinds) {
      ChartSeries series{kind, kPalette[color++ % std::size(kPalette)], {}};
      for (const std::string& year : years) series.values.push_back(counts[{year, kind}]);
      chart.series.push_back(std::move(series));
    }
    Result<Rows> keys = Query(
        "SELECT s.d, s.s, coalesce(s.a,''), s.key_bits, min(m.date), max(m.date), count(*), "
        "sum(s.result='pass'), sum(s.result<>'pass'), sum(s.reason='key-revoked'), "
        "sum(s.reason='key-not-found') FROM signatures s JOIN messages m ON s.message = m.id "
        "WHERE s.d IS NOT NULL AND" +
        filter_ + "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 5");
    if (!keys.ok()) return keys.status();
    *html += "<h2>DKIM keys</h2>\n" + RenderStackedBars(chart, 1100);
    *html += Table({"d=", "s=", "a=", "#bits", "first", "last", "#signatures", "#pass", "#not pass",
                    "#revoked", "#missing"},
                   *keys);
    return Status::Ok();
  }

  Status Failures(std::string* html) {
    Result<Rows> reasons = Query(
        "SELECT label, n FROM ("
        " SELECT 'DKIM ' || s.result || ': ' || coalesce(s.reason,'') AS label, count(*) AS n"
        " FROM signatures s JOIN messages m ON s.message = m.id WHERE s.result <> 'pass' AND" +
        filter_ +
        " GROUP BY 1"
        " UNION ALL SELECT 'DKIM pass with key ' || s.key_trust, count(*)"
        " FROM signatures s JOIN messages m ON s.message = m.id WHERE s.result = 'pass' AND"
        " s.key_trust <> 'ok' AND" +
        filter_ +
        " GROUP BY 1"
        " UNION ALL SELECT 'ARC pass with a key others can hold', count(*)"
        " FROM arc a JOIN messages m ON a.message = m.id WHERE a.untrusted_key_passes > 0 AND" +
        filter_ +
        " GROUP BY 1"
        " UNION ALL SELECT 'SPF ' || p.result || ': ' || coalesce(p.reason,''), count(*)"
        " FROM spf p JOIN messages m ON p.message = m.id WHERE p.result <> 'pass' AND" +
        filter_ +
        " GROUP BY 1"
        " UNION ALL SELECT 'DMARC ' || d.result || ': ' || coalesce(d.reason, d.disposition, ''),"
        " count(*) FROM dmarc d JOIN messages m ON d.message = m.id WHERE d.result <> 'pass' AND" +
        filter_ + " GROUP BY 1) ORDER BY n DESC, label LIMIT 25");
    if (!reasons.ok()) return reasons.status();
    StackedBars chart{"Failure reasons (top 25)", {}, {{"count", kOther, {}}}, true};
    for (const auto& row : *reasons) {
      chart.categories.push_back(row[0]);
      chart.series[0].values.push_back(ToNum(row[1]));
    }
    *html += "<h2>Failures</h2>\n" + RenderStackedBars(chart, 1100);
    Result<Rows> failures = Query(
        "SELECT coalesce(date, date_raw, ''), coalesce(from_header,''), coalesce(subject,''), "
        "coalesce(dkim,''), coalesce(spf,''), coalesce(dmarc,''), source || ':' || "
        "coalesce(idx,'') FROM messages m WHERE input_error = 0 AND (dmarc = 'fail' OR "
        "dkim NOT IN ('pass','none')) AND" +
        filter_ + "ORDER BY date DESC LIMIT " + std::to_string(options_.table_rows));
    if (!failures.ok()) return failures.status();
    *html += "<p class=\"muted\">Messages whose DKIM or DMARC failed, most recent first (at most " +
             std::to_string(options_.table_rows) + ").</p>\n";
    *html += Table({"date", "From", "Subject", "DKIM", "SPF", "DMARC", "source:index"}, *failures);
    Result<Rows> bounces = Query(
        "SELECT coalesce(date,''), coalesce(bounce_recipient,''), coalesce(bounce_action,''), "
        "coalesce(bounce_status,''), coalesce(spf,''), source || ':' || coalesce(idx,'') "
        "FROM messages m WHERE bounce = 1 AND" +
        filter_ + "ORDER BY date DESC LIMIT " + std::to_string(options_.table_rows));
    if (!bounces.ok()) return bounces.status();
    *html += "<h2>Bounces</h2>\n";
    *html +=
        Table({"date", "recipient", "action", "status", "SPF (HELO)", "source:index"}, *bounces);
    return Status::Ok();
  }

  sqlite3* db_;
  const HtmlReportOptions& options_;
  std::string filter_;
};

}  // namespace

Result<std::string> RenderHtmlReport(sqlite3* db, const HtmlReportOptions& options) {
  return ReportBuilder(db, options).Build();
}

Status WriteHtmlReport(sqlite3* db, const HtmlReportOptions& options, const std::string& path) {
  Result<std::string> html = RenderHtmlReport(db, options);
  if (!html.ok()) return html.status();
  const std::string temp = path + ".tmp";
  std::FILE* f = std::fopen(temp.c_str(), "wb");
  if (f == nullptr) return Status::Error("cannot write " + temp);
  const bool written = std::fwrite(html->data(), 1, html->size(), f) == html->size();
  if (std::fclose(f) != 0 || !written || std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return Status::Error("cannot write " + path);
  }
  return Status::Ok();
}

}  // namespace mv
