#include "stablepick/store/cve_ranges_reads.hpp"

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {

Result<std::vector<RecordedBranch>> recorded_branches(Store& store) {
    std::vector<RecordedBranch> out;
    auto st = for_each_row(connection_of(store), "SELECT name, kind, tip FROM branches ORDER BY id",
                           std::vector<std::string>{}, "read branches", [&](Statement& q) {
                               RecordedBranch b{q.text(0), q.text(1), std::nullopt};
                               if (!q.is_null(2)) b.tip = q.text(2);
                               out.push_back(std::move(b));
                           });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<bool> is_main_commit(Store& store, const std::string& id) {
    auto rows = texts(connection_of(store),
                      "SELECT 1 FROM commits c JOIN main_branch_commits m ON m.commit_id = c.id "
                      "WHERE c.sha = ?",
                      std::vector<std::string>{id}, "read commits");
    if (!rows) return std::unexpected(rows.error());
    return !rows->empty();
}

Result<std::vector<BranchBackport>> backports_on_branch(Store& store, const std::string& main_id,
                                                        const std::string& branch) {
    std::vector<BranchBackport> out;
    auto st = for_each_row(
        connection_of(store),
        "SELECT stable_sha, MIN(stable_time) FROM backports WHERE main_sha = ? AND branch = ? "
        "GROUP BY stable_sha ORDER BY 2",
        std::vector<std::string>{main_id, branch}, "read backports", [&](Statement& q) {
            out.push_back({q.text(0), q.int64(1)});
        });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::string> first_revert_on_branch(Store& store, const std::string& id,
                                           const std::string& branch) {
    auto ids = texts(connection_of(store),
                     "SELECT c.sha FROM commits c JOIN branch_commits bc ON bc.commit_id = c.id "
                     "JOIN branches b ON b.id = bc.branch_id WHERE c.revert_of = ? AND "
                     "c.is_revert = 1 AND b.name = ? ORDER BY c.commit_time LIMIT 1",
                     std::vector<std::string>{id, branch}, "read reverts");
    if (!ids) return std::unexpected(ids.error());
    return ids->empty() ? std::string() : ids->front();
}

Result<std::vector<std::string>> fixes_tags_of(Store& store, const std::string& id) {
    return texts(connection_of(store),
                 "SELECT t.ref_id FROM trailers t JOIN commits c ON c.id = t.commit_id WHERE "
                 "c.sha = ? AND t.kind = 'fixes' AND t.ref_id IS NOT NULL ORDER BY t.seq",
                 std::vector<std::string>{id}, "read trailers");
}

Result<std::vector<std::string>> paths_changed_by(Store& store, const std::string& id) {
    return texts(connection_of(store),
                 "SELECT f.path FROM files f JOIN commits c ON c.id = f.commit_id WHERE c.sha = ? "
                 "ORDER BY f.seq",
                 std::vector<std::string>{id}, "read files");
}

}  // namespace stablepick::store
