#pragma once
// A backtest as Markdown (docs/EVALUATION.md's tables), as JSON, and as an SVG of the
// precision-recall curves and the reliability diagram.
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "stablepick/eval/backtest.hpp"

namespace stablepick::report {

// How the backtest was asked for, in the user's words.
struct BacktestHeading {
    std::string split;      // "2022-01-01"
    std::string until;      // empty: to the end
    std::string label;      // "backport" or "cve"
    std::string strip_tag;  // empty: nothing stripped
    std::vector<std::string> voters;
    double threshold = 0.5;
};

std::string backtest_markdown(const Backtest& bt, const BacktestHeading& h);
nlohmann::json backtest_json(const Backtest& bt, const BacktestHeading& h);
std::string backtest_svg(const Backtest& bt, const BacktestHeading& h);

}  // namespace stablepick::report
