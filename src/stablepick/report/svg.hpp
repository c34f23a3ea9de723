#pragma once
// Plots as self-contained SVG (no scripts, no external fonts), for reports a maintainer opens
// in a browser. Pure functions; thread safe.
#include <string>
#include <utility>
#include <vector>

#include "stablepick/eval/metrics.hpp"

namespace stablepick {

struct SvgSeries {
    std::string name;
    std::vector<std::pair<double, double>> points;  // (x, y) in [0, 1]
};

// Two panels: the precision-recall curve of every series with the base rate dashed, and the
// reliability diagram (observed rate against mean predicted probability, the diagonal dashed,
// circles sized by the bin's count; empty bins left out).
// `positive` names what the question counts ("backported", "CVE fixes") on the axes.
std::string pr_and_reliability_svg(const std::string& title,
                                   const std::vector<SvgSeries>& pr_curves, double base_rate,
                                   const std::vector<ReliabilityBin>& reliability,
                                   const std::string& positive = "backported");

std::string xml_escape(const std::string& text);

}  // namespace stablepick
