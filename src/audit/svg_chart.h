// SvgChart: stacked bar charts as inline SVG, for the self-contained HTML report (nothing is
// loaded at view time, so no chart library). Each bar segment carries a <title> so a browser
// shows the exact count on hover.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mv {

struct ChartSeries {
  std::string name;
  std::string color;           // CSS colour
  std::vector<double> values;  // one per category
};

struct StackedBars {
  std::string title;
  std::vector<std::string> categories;  // x labels (vertical) or row labels (horizontal)
  std::vector<ChartSeries> series;
  bool horizontal = false;  // one row per category (long labels: domains, reasons)
};

// The chart as an <svg> element with a legend; an empty chart says "no data".
std::string RenderStackedBars(const StackedBars& chart, int width);

// Escapes text for HTML element content and attribute values.
std::string HtmlEscape(std::string_view text);

}  // namespace mv
