#pragma once
// What the backport labels are computed from (ingest/backport_labels): the main branch's
// commits with their patch ids, the commits only stable branches hold with their branches, the
// cherry-pick markers, and the size of a patch-id candidate; and the merges that brought commits
// onto the main branch, which the indexer records. Rows are handed to a callback as they are read.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

struct MainPatchRow {
    std::string id;
    std::string patch_id;  // empty when it has none
    int64_t time = 0, row = 0;
};
// Every commit of a main branch (merges too), in no particular order.
Status for_each_main_patch(Store& store, const std::function<void(MainPatchRow&)>& each);

struct StableOnlyRow {
    int64_t row = 0, time = 0;
    std::string id, patch_id, branch, subject;  // patch_id empty when it has none
};
// Every (commit, stable branch) where the commit is on no main branch, by commit row: a commit
// on several stable branches comes once per branch, one after the other.
Status for_each_stable_only(Store& store, const std::function<void(StableOnlyRow&)>& each);

// Every stored cherry-pick marker (the commit it names, as written), by commit row.
Status for_each_marker(Store& store,
                       const std::function<void(int64_t row, std::string ref_id)>& each);

// The subject of a stored commit and how many lines it changes, for the few main commits that
// share a stable commit's patch id; one prepared query for all of them.
class CommitSizeReader {
  public:
    struct Size {
        std::string subject;
        int64_t lines = 0;
    };
    static Result<CommitSizeReader> open(Store& store);
    CommitSizeReader(CommitSizeReader&&) noexcept;
    ~CommitSizeReader();
    // Empty subject and no lines when no commit has that row.
    Result<Size> read(int64_t row);

  private:
    explicit CommitSizeReader(std::unique_ptr<Statement> q);
    std::unique_ptr<Statement> q_;
};

struct MergedBy {
    int64_t commit_row = 0;
    std::string merge_id;
};
// Records which merge brought each commit, after forgetting every earlier record when
// `replace_all`. Inside the caller's transaction.
Status put_merged_by(Store& store, const std::vector<MergedBy>& rows, bool replace_all);

}  // namespace stablepick::store
