#pragma once
// The record of reviews and decisions: every review as it was shown (votes, explanations,
// checks, stablepick's version), and each maintainer's take or drop per commit and branch.
// A take is confirmed once the store knows a stable commit carrying it to that branch.
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::stable {

struct Decision {
    std::string commit;  // full id
    std::string branch;
    std::string decision;  // "take" or "drop"
    std::string reason;
    std::string reviewer;
    int64_t time = 0;
    std::string confirmed_by;  // a take: the stable commit that carries it, when there is one
};

// Replaces the decision for (commit, branch).
Status record_decision(Store& store, const Decision& decision);
// The decisions on `commit`, by branch, with their confirmation.
Result<std::vector<Decision>> decisions_for(Store& store, const std::string& commit);

Status record_review(Store& store, const std::string& commit, int64_t time, double probability,
                     bool selected, const nlohmann::json& result);
// How many reviews of `commit` are recorded.
Result<int64_t> review_count(Store& store, const std::string& commit);

}  // namespace stablepick::stable
