#include "stablepick/stable/decisions.hpp"

#include "stablepick/core/version.hpp"

namespace stablepick::stable {

Status record_decision(Store& store, const Decision& d) {
    auto q = store.db().prepare(
        "INSERT OR REPLACE INTO decisions(commit_sha, branch, decision, reason, reviewer, time) "
        "VALUES(?, ?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(Store::error(q.error(), "record the decision"));
    q->bind(1, d.commit)
        .bind(2, d.branch)
        .bind(3, d.decision)
        .bind(4, d.reason)
        .bind(5, d.reviewer)
        .bind(6, d.time);
    if (auto r = q->run(); !r)
        return std::unexpected(Store::error(r.error(), "record the decision"));
    return {};
}

Result<std::vector<Decision>> decisions_for(Store& store, const std::string& commit) {
    auto q = store.db().prepare(
        "SELECT d.branch, d.decision, d.reason, d.reviewer, d.time, "
        "(SELECT b.stable_sha FROM backports b WHERE b.main_sha = d.commit_sha AND b.branch = "
        "d.branch LIMIT 1) "
        "FROM decisions d WHERE d.commit_sha = ? ORDER BY d.branch");
    if (!q) return std::unexpected(Store::error(q.error(), "read decisions"));
    q->bind(1, commit);
    std::vector<Decision> out;
    while (true) {
        auto row = q->step();
        if (!row) return std::unexpected(Store::error(row.error(), "read decisions"));
        if (!*row) break;
        Decision d{commit, q->text(0), q->text(1), q->text(2), q->text(3), q->int64(4), {}};
        if (d.decision == "take" && !q->is_null(5))
            d.confirmed_by = q->text(5).empty() ? "a stable commit" : q->text(5);
        out.push_back(std::move(d));
    }
    return out;
}

Status record_review(Store& store, const std::string& commit, int64_t time, double probability,
                     bool selected, const nlohmann::json& result) {
    auto q = store.db().prepare(
        "INSERT INTO reviews(commit_sha, time, version, probability, selected, result) VALUES(?, "
        "?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(Store::error(q.error(), "record the review"));
    q->bind(1, commit)
        .bind(2, time)
        .bind(3, std::string(kVersion))
        .bind(4, probability)
        .bind(5, int64_t{selected})
        .bind(6, result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (auto r = q->run(); !r) return std::unexpected(Store::error(r.error(), "record the review"));
    return {};
}

Result<int64_t> review_count(Store& store, const std::string& commit) {
    auto q = store.db().prepare("SELECT COUNT(*) FROM reviews WHERE commit_sha = ?");
    if (!q) return std::unexpected(Store::error(q.error(), "read reviews"));
    q->bind(1, commit);
    auto row = q->step();
    if (!row) return std::unexpected(Store::error(row.error(), "read reviews"));
    return q->int64(0);
}

}  // namespace stablepick::stable
