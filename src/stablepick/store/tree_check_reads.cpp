#include "stablepick/store/tree_check_reads.hpp"

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {

Status for_each_revert(
    Store& store,
    const std::function<void(const std::string& id, const std::string& reverted)>& each) {
    return for_each_row(connection_of(store),
                        "SELECT sha, revert_of FROM commits WHERE revert_of IS NOT NULL",
                        std::vector<std::string>{}, "read reverts",
                        [&](Statement& q) { each(q.text(0), q.text(1)); });
}

Result<std::optional<BranchCopy>> first_backport_to(Store& store, const std::string& main_id,
                                                    const std::string& branch) {
    std::optional<BranchCopy> out;
    auto st = for_each_row(connection_of(store),
                           "SELECT method, stable_sha FROM backports WHERE main_sha = ? AND "
                           "branch = ? ORDER BY method = 'marker' DESC, stable_time LIMIT 1",
                           std::vector<std::string>{main_id, branch}, "read backports",
                           [&](Statement& q) {
                               out = BranchCopy{q.text(0), q.text(1)};
                           });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::vector<MergedCommit>> merged_along_with(Store& store, const std::string& id,
                                                    size_t limit) {
    auto q = connection_of(store).prepare(
        "SELECT c.sha, c.subject FROM merged_by m JOIN commits c ON c.id = m.commit_id "
        "WHERE m.merge_sha = (SELECT b.merge_sha FROM merged_by b JOIN commits o ON o.id = "
        "b.commit_id WHERE o.sha = ?) ORDER BY c.commit_time, c.id LIMIT ?");
    if (!q) return std::unexpected(Store::error(q.error(), "read merges"));
    q->bind(1, id).bind(2, static_cast<int64_t>(limit));
    std::vector<MergedCommit> out;
    while (true) {
        auto r = q->step();
        if (!r) return std::unexpected(Store::error(r.error(), "read merges"));
        if (!*r) return out;
        out.push_back({q->text(0), q->text(1)});
    }
}

}  // namespace stablepick::store
