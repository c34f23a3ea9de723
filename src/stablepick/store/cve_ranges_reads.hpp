#pragma once
// What the ranges of a bug (cve/affected_ranges) read besides the CVE tables: the recorded
// branches and their tips, whether a commit is on the main branch, a main commit's backports
// onto one branch and the reverts there, a fix's Fixes: targets and the paths it changes.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

struct RecordedBranch {
    std::string name;
    std::string kind;                // "main", "stable"
    std::optional<std::string> tip;  // the tip index last read; nullopt when none is recorded
};
// Every branch the store records, in the order they were recorded.
Result<std::vector<RecordedBranch>> recorded_branches(Store& store);

// Whether `id` (full id) is recorded as a commit of a main branch.
Result<bool> is_main_commit(Store& store, const std::string& id);

struct BranchBackport {
    std::string stable_id;
    int64_t time = 0;  // the earliest stable_time recorded for it
};
// The commits that backport `main_id` onto `branch`, each once, oldest first.
Result<std::vector<BranchBackport>> backports_on_branch(Store& store, const std::string& main_id,
                                                        const std::string& branch);

// The oldest commit of `branch` that reverts `id` (full id); empty when none does.
Result<std::string> first_revert_on_branch(Store& store, const std::string& id,
                                           const std::string& branch);

// The commits the Fixes: tags of stored commit `id` name, as written (maybe abbreviated), in
// message order; tags that name no id are left out.
Result<std::vector<std::string>> fixes_tags_of(Store& store, const std::string& id);

// The paths stored commit `id` changes, in diff order.
Result<std::vector<std::string>> paths_changed_by(Store& store, const std::string& id);

}  // namespace stablepick::store
