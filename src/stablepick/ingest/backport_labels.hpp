#pragma once
// Backport labels: for every commit that is only on a stable branch, the main-branch commit
// it carries — by its marker ("(cherry picked from commit X)", "[ upstream commit X ]", ...),
// following chains through other stable commits, else by patch id. Reads only the store (and,
// through BranchHas, what the caller knows of the branches' history).
//
// A patch id is evidence only when the diff says enough: a match is refused when the branch
// already had the main commit (it forked after it: the stable commit redoes the change, as a
// branch's own "turn off debug" toggle does), and, for a diff smaller than
// LabelConfig::patch_id_min_lines, unless the subjects agree and the two are at most
// patch_id_small_max_days apart. Matches kept although the subjects differ are doubtful:
// counted, and listed by `stablepick labels --method patch-id --subjects-differ`.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick {

// Bumped when the labelling rules change, so the next index run recomputes the labels.
inline constexpr const char* kLabelsVersion = "2";

// The labels_version a store records: the rules' version and the config they ran with, so a
// changed [labels] config recomputes them too.
std::string labels_version(const LabelConfig& config);

// Whether stable branch `branch` has main commit `main_id` in its own history (it forked from
// main after it); nullopt when that can't be told.
using BranchHas =
    std::function<std::optional<bool>(const std::string& main_id, const std::string& branch)>;

// The subjects of a commit and of its backport say the same: equal once "[PATCH …]" tags and a
// trailing "(#123)" are dropped, or sharing nearly all their words.
bool subjects_agree(std::string_view a, std::string_view b);

// What patch-id matching found and refused, one count per (stable commit, branch).
struct PatchIdSummary {
    int64_t labels = 0;             // labels made by patch id
    int64_t subjects_differ = 0;    // ... between commits whose subjects differ: doubtful
    int64_t refused_in_branch = 0;  // the branch already had the main commit
    int64_t refused_small = 0;      // a small diff, and the subjects differ
    int64_t refused_years = 0;      // a small diff, the two too far apart in time
};

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
    PatchIdSummary patch_id;
    std::string summary_json() const;
};

// `branch_has` may be empty: then no match is refused for that reason.
Result<LabelComputation> compute_backport_labels(Store& store, const LabelConfig& config = {},
                                                 const BranchHas& branch_has = {});

}  // namespace stablepick
