#include "stablepick/queue/from_review.hpp"

#include <fmt/format.h>

namespace stablepick::queue {

std::vector<Proposal> proposals_from(const review::ReviewRun& run, const std::string& who) {
    std::vector<Proposal> out;
    for (auto& r : run.reviews) {
        // Opted out or reverted upstream: never proposed automatically.
        if (!r.ballot.selected || !r.checks || !r.checks->opt_out.empty() ||
            !r.checks->reverts.empty())
            continue;
        for (size_t t = 0; t < r.checks->trees.size() && t < run.targets.size(); ++t) {
            auto& tc = r.checks->trees[t];
            // Only where the checks say it applies. A conflict that blame explains by earlier
            // commits is not proposed with them: on systemd-stable most of those commits do not
            // apply by themselves either (6 of 7 for v255-stable), so the series would fail at
            // its first patch; the review shows them for a maintainer to backport by hand.
            if (!tc.applicable()) continue;
            Proposal p;
            p.commit = r.id;
            p.tree = run.targets[t].name;
            p.probability = r.ballot.probability;
            p.reason = fmt::format("review by {}: probability {:.2f}", who, r.ballot.probability);
            out.push_back(std::move(p));
        }
    }
    return out;
}

}  // namespace stablepick::queue
