#include "audit/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mv {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Count(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

// A round tick step (1, 2 or 5 times a power of ten, at least 1: the charts count things) that
// divides the axis into at most four steps.
double TickStep(double max) {
  const double raw = std::max(1.0, max / 4);
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * p >= raw) return m * p;
  }
  return 10 * p;
}

std::string Legend(const StackedBars& chart, int y) {
  std::string out;
  int x = 10;
  for (const ChartSeries& s : chart.series) {
    out += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) +
           "\" width=\"12\" height=\"12\" fill=\"" + HtmlEscape(s.color) + "\"/>";
    out += "<text x=\"" + std::to_string(x + 16) + "\" y=\"" + std::to_string(y + 11) + "\">" +
           HtmlEscape(s.name) + "</text>";
    x += 28 + static_cast<int>(s.name.size()) * 7;
  }
  return out;
}

double Total(const StackedBars& chart, size_t category) {
  double sum = 0;
  for (const ChartSeries& s : chart.series) {
    if (category < s.values.size()) sum += s.values[category];
  }
  return sum;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderStackedBars(const StackedBars& chart, int width) {
  const size_t n = chart.categories.size();
  double max = 0;
  for (size_t i = 0; i < n; ++i) max = std::max(max, Total(chart, i));
  const double step = TickStep(max);
  const double axis_max = std::max(step, std::ceil(max / step) * step);
  const int legend_h = 24;
  std::string body;
  int height;
  if (n == 0) {
    height = 60;
    body = "<text x=\"10\" y=\"40\">no data</text>";
  } else if (chart.horizontal) {
    const int label_w = 220, row_h = 20, top = legend_h + 8;
    height = top + static_cast<int>(n) * row_h + 24;
    const double plot_w = width - label_w - 60;
    for (size_t i = 0; i < n; ++i) {
      const int y = top + static_cast<int>(i) * row_h;
      std::string label = chart.categories[i];
      if (label.size() > 34) label = label.substr(0, 33) + "\xE2\x80\xA6";
      body += "<text class=\"lbl\" x=\"" + std::to_string(label_w - 6) + "\" y=\"" +
              std::to_string(y + 14) + "\" text-anchor=\"end\">" + HtmlEscape(label) + "</text>";
      double x = label_w;
      for (const ChartSeries& s : chart.series) {
        const double v = i < s.values.size() ? s.values[i] : 0;
        if (v <= 0) continue;
        const double w = v / axis_max * plot_w;
        body += "<rect x=\"" + Num(x) + "\" y=\"" + std::to_string(y + 2) + "\" width=\"" + Num(w) +
                "\" height=\"" + std::to_string(row_h - 4) + "\" fill=\"" + HtmlEscape(s.color) +
                "\"><title>" + HtmlEscape(chart.categories[i] + " " + s.name) + ": " + Count(v) +
                "</title></rect>";
        x += w;
      }
      body += "<text class=\"val\" x=\"" + Num(x + 4) + "\" y=\"" + std::to_string(y + 14) + "\">" +
              Count(Total(chart, i)) + "</text>";
    }
  } else {
    const int left = 50, top = legend_h + 10, plot_h = 220;
    height = top + plot_h + 70;
    const double plot_w = width - left - 10;
    const double slot = plot_w / static_cast<double>(n);
    const double bar = std::max(1.0, slot * 0.8);
    for (double v = 0; v <= axis_max + step / 2; v += step) {
      const double y = top + plot_h - v / axis_max * plot_h;
      body += "<line class=\"grid\" x1=\"" + std::to_string(left) + "\" x2=\"" +
              std::to_string(width - 10) + "\" y1=\"" + Num(y) + "\" y2=\"" + Num(y) + "\"/>";
      body += "<text class=\"val\" x=\"" + std::to_string(left - 4) + "\" y=\"" + Num(y + 4) +
              "\" text-anchor=\"end\">" + Count(v) + "</text>";
    }
    // Label every k-th category so labels never overlap.
    const size_t every = std::max<size_t>(1, static_cast<size_t>(std::ceil(40.0 / slot)));
    for (size_t i = 0; i < n; ++i) {
      const double x = left + slot * static_cast<double>(i) + (slot - bar) / 2;
      double y = top + plot_h;
      for (const ChartSeries& s : chart.series) {
        const double v = i < s.values.size() ? s.values[i] : 0;
        if (v <= 0) continue;
        const double h = v / axis_max * plot_h;
        y -= h;
        body += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(bar) +
                "\" height=\"" + Num(h) + "\" fill=\"" + HtmlEscape(s.color) + "\"><title>" +
                HtmlEscape(chart.categories[i] + " " + s.name) + ": " + Count(v) +
                "</title></rect>";
      }
      if (i % every == 0) {
        const double lx = x + bar / 2;
        const double ly = top + plot_h + 12;
        body += "<text class=\"lbl\" x=\"" + Num(lx) + "\" y=\"" + Num(ly) +
                "\" text-anchor=\"end\" transform=\"rotate(-45 " + Num(lx) + " " + Num(ly) +
                ")\">" + HtmlEscape(chart.categories[i]) + "</text>";
      }
    }
  }
  std::string out = "<figure><figcaption>" + HtmlEscape(chart.title) +
                    "</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" +
                    std::to_string(width) + "\" height=\"" + std::to_string(height) +
                    "\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
                    "\">";
  out += Legend(chart, 4);
  out += body;
  out += "</svg></figure>\n";
  return out;
}

}  // namespace mv
