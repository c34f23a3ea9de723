#pragma once
// Counts over the whole store and the backport labels as rows, for `stats` and `labels`: what
// the store holds (branches, labels by branch, method and year, what indexing skipped).
// `as_of` is a committer date (seconds since the epoch; INT64_MAX for no limit): a label counts
// when its stable commit was made by then.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <optional>
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

struct BranchCount {
    std::string name;
    std::string kind;                // main, stable
    std::optional<std::string> tip;  // nullopt when no tip is recorded
    int64_t commits = 0;
};
// Every branch with its commits, main first, then by name.
Result<std::vector<BranchCount>> branch_counts(Store& store);

struct BranchLabelCount {
    std::string branch, method;
    int64_t stable_commits = 0;  // distinct stable commits with a label of this method
    int64_t main_commits = 0;    // distinct main commits they carry
};
// Labels per (stable branch, method), in that order.
Result<std::vector<BranchLabelCount>> label_counts_by_branch(Store& store, int64_t as_of);

struct MethodLabelCount {
    std::string method;
    int64_t main_commits = 0;  // distinct main commits
    int64_t labels = 0;
};
// Labels per method, by method.
Result<std::vector<MethodLabelCount>> label_counts_by_method(Store& store, int64_t as_of);

struct BackportedCount {
    int64_t main_commits = 0;      // main commits backported by any method
    int64_t only_by_patch_id = 0;  // of these, the ones only patch-id matching found
};
Result<BackportedCount> backported_count(Store& store, int64_t as_of);

struct YearCount {
    std::string year;  // of the main commit's committer date, "2024"
    int64_t main_commits = 0;
    int64_t backported = 0;
};
// Main-branch commits made by `as_of`, and how many of them were backported, per year, oldest
// first.
Result<std::vector<YearCount>> main_commits_by_year(Store& store, int64_t as_of);

struct SkippedPath {
    std::string path;
    int64_t commits = 0;
};
struct SkipCounts {
    int64_t commits = 0;             // commits with a skipped file diff
    int64_t files = 0;               // skipped file diffs
    std::vector<SkippedPath> paths;  // the paths skipped most often, most first
};
// What indexing skipped, with the `top` paths skipped most often.
Result<SkipCounts> skip_counts(Store& store, int64_t top);

struct CommitCount {
    int64_t commits = 0;          // every stored commit
    int64_t diffs_truncated = 0;  // of these, the ones whose diff was cut at the size cap
};
Result<CommitCount> commit_count(Store& store);

struct LabelFilter {
    int64_t as_of = INT64_MAX;
    std::string prefix;  // of the main commit's id, lower case hex; empty for all
    std::string branch;  // empty for every branch
    std::string method;  // empty for every method
    // Only labels whose stable commit is stored with a subject that differs from the main
    // commit's.
    bool subjects_differ = false;
};
struct LabelRow {
    BackportLabel label;
    std::string main_subject;    // empty when the main commit is not stored
    std::string stable_subject;  // empty when the stable commit is not stored
};
// The labels that pass `filter`, by main commit, stable commit date and branch.
Result<std::vector<LabelRow>> labels_matching(Store& store, const LabelFilter& filter);

}  // namespace stablepick::store
