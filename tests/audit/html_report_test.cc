#include "audit/html_report.h"

#include <gtest/gtest.h>

#include <string>

#include "audit/result_store.h"
#include "audit/svg_chart.h"

namespace mv {
namespace {

MessageRecord Record(const char* date, const char* dkim, const char* domain) {
  MessageRecord r;
  r.provenance.source = "a.mbox";
  r.date = date;
  r.from = std::string("<x@") + domain + "> \"<script>\"";
  r.subject = "</td><script>alert(1)</script>";
  r.AddMember("dkim", dkim);
  r.AddMember("dmarc", std::string(R"({"result":"fail","domain":")") + domain + "\"}");
  return r;
}

TEST(HtmlReport, SelfContainedWithChartsAndEscapedText) {
  Result<std::unique_ptr<ResultStore>> store = ResultStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->BeginRun({"v", "o", "zone", 0}).ok());
  std::vector<MessageRecord> records = {
      Record(
          "2019-01-05T00:00:00Z",
          R"([{"d":"a.example","s":"s1","a":"rsa-sha256","result":"fail","reason":"body-hash-mismatch","key_bits":2048}])",
          "a.example"),
      Record(
          "2019-04-05T00:00:00Z",
          R"([{"d":"a.example","s":"s1","a":"rsa-sha256","result":"pass","reason":"ok","key_bits":2048}])",
          "a.example"),
      Record("2020-01-01T00:00:00Z", "[]", "b.example"),
  };
  ASSERT_TRUE((*store)->AddBatch(records).ok());
  Result<std::string> html = RenderHtmlReport((*store)->db(), {});
  ASSERT_TRUE(html.ok()) << html.error();
  // No resource is fetched when the page is viewed.
  for (const char* fetch : {"src=\"http", "href=\"http", "@import", "url(", "<link"}) {
    EXPECT_EQ(html->find(fetch), std::string::npos) << fetch;
  }
  // Months from the first to the last, gaps included: 2019-01 .. 2020-01 is 13 months.
  EXPECT_NE(html->find(">2019-02<"), std::string::npos);
  EXPECT_NE(html->find("2019-01 fail: 1"), std::string::npos);
  EXPECT_NE(html->find("DKIM fail: body-hash-mismatch"), std::string::npos);
  EXPECT_NE(html->find("rsa-sha256 2048"), std::string::npos);
  // Header text is data, never markup.
  EXPECT_EQ(html->find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(html->find("&lt;/td&gt;&lt;script&gt;alert(1)"), std::string::npos);
  EXPECT_EQ(html->find("<svg"), html->find("<svg xmlns"));
  EXPECT_NE(html->find("class=\"sortable\""), std::string::npos);
}

TEST(SvgChart, EmptyAndScaled) {
  StackedBars empty{"t", {}, {{"x", "#000", {}}}, false};
  EXPECT_NE(RenderStackedBars(empty, 400).find("no data"), std::string::npos);
  StackedBars bars{"t", {"a", "b"}, {{"x", "#000", {3, 7}}}, true};
  const std::string svg = RenderStackedBars(bars, 400);
  EXPECT_NE(svg.find("a x: 3"), std::string::npos);
  EXPECT_NE(svg.find("b x: 7"), std::string::npos);
  EXPECT_EQ(HtmlEscape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

}  // namespace
}  // namespace mv
