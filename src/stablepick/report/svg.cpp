#include "stablepick/report/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace stablepick {
namespace {

constexpr std::array<const char*, 10> kColours{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                               "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                               "#bcbd22", "#17becf"};

// A square plot area at (left, top) of `size` pixels, for values in [0, 1].
struct Panel {
    double left, top, size;
    double x(double v) const { return left + std::clamp(v, 0.0, 1.0) * size; }
    double y(double v) const { return top + size - std::clamp(v, 0.0, 1.0) * size; }
};

std::string axes(const Panel& p, const std::string& title, const std::string& x_label,
                 const std::string& y_label) {
    std::string s =
        fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#333"/>)",
                    p.left, p.top, p.size, p.size);
    for (int i = 0; i <= 5; ++i) {
        double v = i / 5.0;
        s += fmt::format(
            R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#ddd"/>)", p.x(v),
            p.top, p.top + p.size);
        s += fmt::format(
            R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{2:.1f}" y2="{1:.1f}" stroke="#ddd"/>)", p.left,
            p.y(v), p.left + p.size);
        s += fmt::format(
            R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-size="11">{:.1f}</text>)",
            p.x(v), p.top + p.size + 15, v);
        s += fmt::format(
            R"(<text x="{:.1f}" y="{:.1f}" text-anchor="end" font-size="11">{:.1f}</text>)",
            p.left - 5, p.y(v) + 4, v);
    }
    s += fmt::format(
        R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-size="13" font-weight="bold">{}</text>)",
        p.left + p.size / 2, p.top - 8, xml_escape(title));
    s += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-size="12">{}</text>)",
                     p.left + p.size / 2, p.top + p.size + 32, xml_escape(x_label));
    s += fmt::format(
        R"svg(<text x="{0:.1f}" y="{1:.1f}" text-anchor="middle" font-size="12" transform="rotate(-90 {0:.1f} {1:.1f})">{2}</text>)svg",
        p.left - 35, p.top + p.size / 2, xml_escape(y_label));
    return s;
}

}  // namespace

std::string xml_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

std::string pr_and_reliability_svg(const std::string& title,
                                   const std::vector<SvgSeries>& pr_curves, double base_rate,
                                   const std::vector<ReliabilityBin>& reliability,
                                   const std::string& positive) {
    const double width = 1000, height = 520;
    Panel pr{70, 60, 340}, rel{560, 60, 340};
    std::string s = fmt::format(
        R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" font-family="sans-serif">)",
        width, height, width, height);
    s += R"(<rect width="100%" height="100%" fill="white"/>)";
    s += fmt::format(R"(<text x="{}" y="24" text-anchor="middle" font-size="15">{}</text>)",
                     width / 2, xml_escape(title));
    s += axes(pr, "Precision-recall", "recall", "precision");
    s += fmt::format(
        R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#555" stroke-dasharray="5,4"/>)",
        pr.x(0), pr.y(base_rate), pr.x(1), pr.y(base_rate));
    s += fmt::format(
        R"(<text x="{:.1f}" y="{:.1f}" text-anchor="end" font-size="10" fill="#555">base rate</text>)",
        pr.x(1) - 2, pr.y(base_rate) - 3);
    for (size_t i = 0; i < pr_curves.size(); ++i) {
        const char* colour = kColours[i % kColours.size()];
        std::string points;
        for (auto& [x, y] : pr_curves[i].points)
            points += fmt::format("{:.1f},{:.1f} ", pr.x(x), pr.y(y));
        s += fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="1.6" points="{}"/>)",
                         colour, points);
        double ly = pr.top + pr.size + 50 + 16 * static_cast<double>(i % 4);
        double lx = pr.left + (i / 4) * 260.0;
        s += fmt::format(
            R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="3"/>)",
            lx, ly - 4, lx + 18, ly - 4, colour);
        s += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" font-size="11">{}</text>)", lx + 24, ly,
                         xml_escape(pr_curves[i].name));
    }
    s += axes(rel, "Reliability of the ballot", "mean predicted probability", "share " + positive);
    s += fmt::format(
        R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#555" stroke-dasharray="5,4"/>)",
        rel.x(0), rel.y(0), rel.x(1), rel.y(1));
    size_t largest = 1;
    for (auto& b : reliability) largest = std::max(largest, b.count);
    std::string points, circles;
    for (auto& b : reliability) {
        if (b.count == 0) continue;
        points += fmt::format("{:.1f},{:.1f} ", rel.x(b.mean_predicted), rel.y(b.observed_rate));
        double r = 3 + 12 * std::sqrt(double(b.count) / largest);
        circles += fmt::format(
            R"(<circle cx="{:.1f}" cy="{:.1f}" r="{:.1f}" fill="#1f77b4" fill-opacity="0.35" stroke="#1f77b4"><title>{} commits</title></circle>)",
            rel.x(b.mean_predicted), rel.y(b.observed_rate), r, b.count);
    }
    s += fmt::format(R"(<polyline fill="none" stroke="#1f77b4" stroke-width="1.6" points="{}"/>)",
                     points);
    s += circles;
    s += "</svg>\n";
    return s;
}

}  // namespace stablepick
