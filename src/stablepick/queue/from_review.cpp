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
            if (!tc.already_there.empty() || !tc.affected) continue;
            if (!tc.applicable() && tc.prerequisites.empty()) continue;
            Proposal p;
            p.commit = r.id;
            p.tree = run.targets[t].name;
            p.probability = r.ballot.probability;
            p.reason = fmt::format("review by {}: probability {:.2f}", who, r.ballot.probability);
            for (auto& pre : tc.prerequisites)
                p.needs.push_back({pre.id, "changed the lines it changes: " + pre.subject});
            out.push_back(std::move(p));
        }
    }
    return out;
}

}  // namespace stablepick::queue
