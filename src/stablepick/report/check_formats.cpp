#include "stablepick/report/check_formats.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace stablepick::report {
namespace {

bool agrees(const review::PatchReview& p) {
    return p.review.ballot.selected == p.tagged_stable;
}

std::string summary(const review::PatchReview& p) {
    const auto& b = p.review.ballot;
    std::string verdict = b.selected && p.tagged_stable ? "a stable fix, tagged Cc: stable"
                          : b.selected      ? "looks like a stable fix, but has no Cc: stable"
                          : p.tagged_stable ? "tagged Cc: stable, but unlike past backports"
                                            : "not a stable candidate";
    return fmt::format("{} (probability {:.2f}, threshold {:.2f})", verdict, b.probability,
                       p.run.threshold);
}

std::string details(const review::PatchReview& p) {
    std::string out;
    if (!p.review.ballot.reasons.empty()) {
        out += "Reasons:\n";
        for (auto& r : p.review.ballot.reasons) out += "  - " + r + "\n";
    }
    if (!p.review.precedents.empty()) {
        out += "Nearest precedents:\n";
        for (auto& pr : p.review.precedents)
            out += fmt::format("  {} {} ({:.2f}, {})\n", pr.id.substr(0, 12), pr.subject,
                               pr.similarity, pr.positive ? "backported" : "not backported");
    }
    return out;
}

}  // namespace

nlohmann::json b4_check(const review::PatchReview& p, const std::string& url) {
    return nlohmann::json::array({{{"tool", "stablepick"},
                                   {"status", agrees(p) ? "pass" : "warn"},
                                   {"summary", summary(p)},
                                   {"url", url},
                                   {"details", details(p)}}});
}

nlohmann::json patchwork_check(const review::PatchReview& p, const std::string& url) {
    // patchwork's description is one short line.
    std::string description = summary(p);
    if (description.size() > 255) description.resize(255);
    return {{"state", agrees(p) ? "success" : "warning"},
            {"context", "stablepick"},
            {"description", description},
            {"target_url", url}};
}

}  // namespace stablepick::report
