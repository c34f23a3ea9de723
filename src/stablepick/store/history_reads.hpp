#pragma once
// The reads the shared model of the history (history/commit_history) is built from: the main
// branch's commits, their trailers, files and hunks, the first backport of each commit to each
// branch, the fixes of published CVEs and the maintainers' first "take". Each row is handed to a
// callback as it is read: the history is read whole, and no copy of it is made here.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <cstdint>
#include <functional>
#include <string>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

struct MainCommitRow {
    int64_t row = 0, time = 0, author_time = 0;
    std::string id, author_email, subject, body;
    bool is_revert = false;
};
// The non-merge commits of the main branch, oldest first (by committer date, then row).
Status for_each_main_commit(Store& store, const std::function<void(MainCommitRow&)>& each);

struct TrailerRow {
    int64_t commit_row = 0;
    std::string key, value, comment, kind, ref_id, ref_subject;  // kind as stored
};
// Every stored trailer, by commit row, in message order.
Status for_each_trailer(Store& store, const std::function<void(TrailerRow&)>& each);

// Every changed file (path, lines added and removed), by commit row, in diff order.
Status for_each_changed_file(
    Store& store,
    const std::function<void(int64_t row, std::string path, int added, int removed)>& each);

// How many hunks each commit that has any changes.
Status for_each_hunk_count(Store& store, const std::function<void(int64_t row, int hunks)>& each);

// For each (main commit, stable branch) label: when the first backport landed.
Status for_each_first_backport(
    Store& store,
    const std::function<void(const std::string& main_id, const std::string& branch, int64_t time)>&
        each);

// The fix commits of CVEs that are not rejected.
Status for_each_cve_fix(Store& store, const std::function<void(const std::string& id)>& each);

// The first time each commit was known to go to a stable tree: a maintainer's take (the latest
// decision per tree), or its candidate queued or released — unless that candidate is now
// dropped or objected.
Status for_each_first_take(Store& store,
                           const std::function<void(const std::string& id, int64_t time)>& each);

}  // namespace stablepick::store
