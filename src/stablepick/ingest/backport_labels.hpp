#pragma once
// Backport labels: for every commit that is only on a stable branch, the main-branch commit
// it carries — by its marker ("(cherry picked from commit X)", "[ upstream commit X ]", ...),
// following chains through other stable commits, else by patch id. Reads only the store.
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick {

// Bumped when the labelling rules change, so the next index run recomputes the labels.
inline constexpr const char* kLabelsVersion = "1";

struct BranchLabelSummary {
    std::string branch;
    int64_t stable_commits = 0;      // commits on this branch and not on main
    int64_t with_marker = 0;         // ... that carry at least one backport marker
    int64_t by_marker = 0;           // ... whose marker resolves to a main commit
    int64_t by_patch_id = 0;         // ... matched to a main commit by patch id instead
    int64_t unresolved_markers = 0;  // ... with markers that name no known main commit
};

struct LabelComputation {
    std::vector<BackportLabel> labels;
    std::vector<BranchLabelSummary> branches;
    int64_t main_commits = 0;
    int64_t main_backported_by_marker = 0;    // distinct main commits with a marker label
    int64_t main_backported_by_patch_id = 0;  // distinct main commits only patch-id found
    std::string summary_json() const;
};

Result<LabelComputation> compute_backport_labels(Store& store);

}  // namespace stablepick
