#include "stablepick/store/history_reads.hpp"

#include <vector>

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {
namespace {

constexpr std::string_view kDoing = "read the history";
const std::vector<int64_t> kNoArgs;

}  // namespace

Status for_each_main_commit(Store& store, const std::function<void(MainCommitRow&)>& each) {
    return for_each_row(
        connection_of(store),
        R"(SELECT c.id, c.sha, c.commit_time, c.author_time, c.author_email, c.subject, c.body,
            c.is_revert FROM commits c WHERE c.parent_count <= 1
            AND EXISTS(SELECT 1 FROM main_branch_commits m WHERE m.commit_id = c.id)
            ORDER BY c.commit_time, c.id)",
        kNoArgs, kDoing, [&](Statement& q) {
            MainCommitRow r;
            r.row = q.int64(0);
            r.id = q.text(1);
            r.time = q.int64(2);
            r.author_time = q.int64(3);
            r.author_email = q.text(4);
            r.subject = q.text(5);
            r.body = q.text(6);
            r.is_revert = q.int64(7) != 0;
            each(r);
        });
}

Status for_each_trailer(Store& store, const std::function<void(TrailerRow&)>& each) {
    return for_each_row(connection_of(store),
                        "SELECT commit_id, key, value, comment, kind, ref_id, ref_subject FROM "
                        "trailers ORDER BY commit_id, seq",
                        kNoArgs, kDoing, [&](Statement& q) {
                            TrailerRow t;
                            t.commit_row = q.int64(0);
                            t.key = q.text(1);
                            t.value = q.text(2);
                            t.comment = q.text(3);
                            t.kind = q.text(4);
                            t.ref_id = q.is_null(5) ? "" : q.text(5);
                            t.ref_subject = q.is_null(6) ? "" : q.text(6);
                            each(t);
                        });
}

Status for_each_changed_file(
    Store& store,
    const std::function<void(int64_t row, std::string path, int added, int removed)>& each) {
    return for_each_row(connection_of(store),
                        "SELECT commit_id, path, added, removed FROM files ORDER BY commit_id, seq",
                        kNoArgs, kDoing, [&](Statement& q) {
                            each(q.int64(0), q.text(1), static_cast<int>(q.int64(2)),
                                 static_cast<int>(q.int64(3)));
                        });
}

Status for_each_hunk_count(Store& store, const std::function<void(int64_t row, int hunks)>& each) {
    return for_each_row(connection_of(store),
                        "SELECT commit_id, COUNT(*) FROM hunks GROUP BY commit_id", kNoArgs, kDoing,
                        [&](Statement& q) { each(q.int64(0), static_cast<int>(q.int64(1))); });
}

Status for_each_first_backport(
    Store& store,
    const std::function<void(const std::string& main_id, const std::string& branch, int64_t time)>&
        each) {
    return for_each_row(
        connection_of(store),
        "SELECT main_sha, branch, MIN(stable_time) FROM backports GROUP BY main_sha, branch",
        kNoArgs, kDoing, [&](Statement& q) { each(q.text(0), q.text(1), q.int64(2)); });
}

Status for_each_cve_fix(Store& store, const std::function<void(const std::string& id)>& each) {
    return for_each_row(connection_of(store),
                        "SELECT DISTINCT x.fix_sha FROM cves x LEFT JOIN cve_status s ON s.cve = "
                        "x.cve WHERE COALESCE(s.status, 'published') <> 'rejected'",
                        kNoArgs, kDoing, [&](Statement& q) { each(q.text(0)); });
}

Status for_each_first_take(Store& store,
                           const std::function<void(const std::string& id, int64_t time)>& each) {
    return for_each_row(
        connection_of(store),
        "SELECT commit_sha, MIN(time) FROM ("
        "SELECT commit_sha, time FROM decisions WHERE decision = 'take' UNION ALL "
        "SELECT e.commit_sha, e.time FROM candidate_events e JOIN candidates c ON "
        "c.commit_sha = e.commit_sha AND c.tree = e.tree WHERE e.to_state IN ('queued', "
        "'released') AND c.state NOT IN ('dropped', 'objected')) AS taken GROUP BY commit_sha",
        kNoArgs, kDoing, [&](Statement& q) { each(q.text(0), q.int64(1)); });
}

}  // namespace stablepick::store
