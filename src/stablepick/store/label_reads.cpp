#include "stablepick/store/label_reads.hpp"

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {
namespace {

const std::vector<int64_t> kNoArgs;

}  // namespace

Status for_each_main_patch(Store& store, const std::function<void(MainPatchRow&)>& each) {
    return for_each_row(connection_of(store),
                        R"(SELECT c.sha, c.patch_id, c.commit_time, c.id FROM commits c
            JOIN main_branch_commits m ON m.commit_id = c.id)",
                        kNoArgs, "read main commits", [&](Statement& q) {
                            MainPatchRow r;
                            r.id = q.text(0);
                            r.patch_id = q.is_null(1) ? "" : q.text(1);
                            r.time = q.int64(2);
                            r.row = q.int64(3);
                            each(r);
                        });
}

Status for_each_stable_only(Store& store, const std::function<void(StableOnlyRow&)>& each) {
    return for_each_row(connection_of(store),
                        R"(SELECT c.id, c.sha, c.commit_time, c.patch_id, b.name, c.subject
            FROM commits c
            JOIN branch_commits bc ON bc.commit_id = c.id
            JOIN branches b ON b.id = bc.branch_id AND b.kind = 'stable'
            WHERE NOT EXISTS (SELECT 1 FROM main_branch_commits m WHERE m.commit_id = c.id)
            ORDER BY c.id)",
                        kNoArgs, "read stable commits", [&](Statement& q) {
                            StableOnlyRow r;
                            r.row = q.int64(0);
                            r.id = q.text(1);
                            r.time = q.int64(2);
                            r.patch_id = q.is_null(3) ? "" : q.text(3);
                            r.branch = q.text(4);
                            r.subject = q.text(5);
                            each(r);
                        });
}

Status for_each_marker(Store& store,
                       const std::function<void(int64_t row, std::string ref_id)>& each) {
    return for_each_row(connection_of(store),
                        "SELECT commit_id, ref_id FROM markers ORDER BY commit_id, seq", kNoArgs,
                        "read markers", [&](Statement& q) { each(q.int64(0), q.text(1)); });
}

CommitSizeReader::CommitSizeReader(std::unique_ptr<Statement> q) : q_(std::move(q)) {}
CommitSizeReader::CommitSizeReader(CommitSizeReader&&) noexcept = default;
CommitSizeReader::~CommitSizeReader() = default;

Result<CommitSizeReader> CommitSizeReader::open(Store& store) {
    auto q = connection_of(store).prepare(
        "SELECT c.subject, (SELECT COALESCE(SUM(f.added + f.removed), 0) FROM files f "
        "WHERE f.commit_id = c.id) FROM commits c WHERE c.id = ?");
    if (!q) return std::unexpected(Store::error(q.error(), "read patch-id candidates"));
    return CommitSizeReader(std::make_unique<Statement>(std::move(*q)));
}

Result<CommitSizeReader::Size> CommitSizeReader::read(int64_t row) {
    q_->bind(1, row);
    auto r = q_->step();
    if (!r) return std::unexpected(Store::error(r.error(), "read patch-id candidates"));
    Size size;
    if (*r) size = {q_->text(0), q_->int64(1)};
    q_->reset();
    return size;
}

Status put_merged_by(Store& store, const std::vector<MergedBy>& rows, bool replace_all) {
    if (replace_all)
        if (auto r = connection_of(store).exec("DELETE FROM merged_by"); !r)
            return std::unexpected(Store::error(r.error(), "record merges"));
    auto insert = connection_of(store).prepare(
        "INSERT INTO merged_by(commit_id, merge_sha) VALUES(?, ?) ON CONFLICT(commit_id) DO UPDATE "
        "SET merge_sha = excluded.merge_sha");
    if (!insert) return std::unexpected(Store::error(insert.error(), "record merges"));
    for (auto& m : rows) {
        insert->reset();
        insert->bind(1, m.commit_row).bind(2, m.merge_id);
        if (auto r = insert->run(); !r)
            return std::unexpected(Store::error(r.error(), "record merges"));
    }
    return {};
}

}  // namespace stablepick::store
