#pragma once
// What the per-tree checks (stable/target_checks) read of the store: the reverts among the
// stored commits, how a main commit reached a stable branch, and the commits that the merge
// that brought a commit onto the main branch brought with it.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

// Every stored commit that reverts another, with the id it names as written (maybe
// abbreviated), handed to `each` as read: a read that fails part-way has handed over the rows
// before the failure.
Status for_each_revert(
    Store& store,
    const std::function<void(const std::string& id, const std::string& reverted)>& each);

struct BranchCopy {
    std::string method;     // "marker", "patch-id", "changelog"
    std::string stable_id;  // empty for an id-only ChangeLog entry
};
// How `main_id` reached `branch`: the backport found by a marker first, else the earliest;
// nullopt when it did not.
Result<std::optional<BranchCopy>> first_backport_to(Store& store, const std::string& main_id,
                                                    const std::string& branch);

struct MergedCommit {
    std::string id;
    std::string subject;
};
// The commits the merge that brought `id` onto the main branch brought, `id` among them,
// oldest first, at most `limit`; empty when no merge is recorded for it.
Result<std::vector<MergedCommit>> merged_along_with(Store& store, const std::string& id,
                                                    size_t limit);

}  // namespace stablepick::store
