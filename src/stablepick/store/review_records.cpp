#include "stablepick/store/review_records.hpp"

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {

Status put_decision(Store& store, const DecisionRow& d) {
    auto q = connection_of(store).prepare(
        "INSERT INTO decisions(commit_sha, branch, decision, reason, reviewer, time) "
        "VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(commit_sha, branch) DO UPDATE SET decision = "
        "excluded.decision, reason = excluded.reason, reviewer = excluded.reviewer, time = "
        "excluded.time");
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

Result<std::vector<DecisionRow>> decisions_on(Store& store, const std::string& commit) {
    std::vector<DecisionRow> out;
    auto st = for_each_row(
        connection_of(store),
        "SELECT d.branch, d.decision, d.reason, d.reviewer, d.time, "
        "(SELECT b.stable_sha FROM backports b WHERE b.main_sha = d.commit_sha AND b.branch = "
        "d.branch LIMIT 1) "
        "FROM decisions d WHERE d.commit_sha = ? ORDER BY d.branch",
        std::vector<std::string>{commit}, "read decisions", [&](Statement& q) {
            DecisionRow d{commit, q.text(0), q.text(1), q.text(2), q.text(3), q.int64(4), {}};
            if (!q.is_null(5)) d.carried_by = q.text(5);
            out.push_back(std::move(d));
        });
    if (!st) return std::unexpected(st.error());
    return out;
}

Status put_review(Store& store, const std::string& commit, int64_t time, const std::string& version,
                  double probability, bool selected, const std::string& result_json) {
    auto q = connection_of(store).prepare(
        "INSERT INTO reviews(commit_sha, time, version, probability, selected, result) VALUES(?, "
        "?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(Store::error(q.error(), "record the review"));
    q->bind(1, commit)
        .bind(2, time)
        .bind(3, version)
        .bind(4, probability)
        .bind(5, int64_t{selected})
        .bind(6, result_json);
    if (auto r = q->run(); !r) return std::unexpected(Store::error(r.error(), "record the review"));
    return {};
}

Result<int64_t> count_reviews(Store& store, const std::string& commit) {
    int64_t n = 0;
    auto st = for_each_row(
        connection_of(store), "SELECT COUNT(*) FROM reviews WHERE commit_sha = ?",
        std::vector<std::string>{commit}, "read reviews", [&](Statement& q) { n = q.int64(0); });
    if (!st) return std::unexpected(st.error());
    return n;
}

Result<std::optional<std::string>> cached_answer(Store& store, const std::string& provider,
                                                 const std::string& model,
                                                 const std::string& prompt_hash) {
    std::optional<std::string> out;
    auto st = for_each_row(
        connection_of(store),
        "SELECT answer FROM llm_cache WHERE provider = ? AND model = ? AND prompt_hash = ?",
        std::vector<std::string>{provider, model, prompt_hash}, "read the LLM cache",
        [&](Statement& q) { out = q.text(0); });
    if (!st) return std::unexpected(st.error());
    return out;
}

Status put_cached_answer(Store& store, const std::string& provider, const std::string& model,
                         const std::string& prompt_hash, const std::string& answer,
                         int64_t created) {
    auto q = connection_of(store).prepare(
        "INSERT INTO llm_cache(provider, model, prompt_hash, answer, created) VALUES(?, ?, ?, ?, "
        "?) ON CONFLICT(provider, model, prompt_hash) DO UPDATE SET answer = excluded.answer, "
        "created = excluded.created");
    if (!q) return std::unexpected(Store::error(q.error(), "prepare"));
    q->bind(1, provider).bind(2, model).bind(3, prompt_hash).bind(4, answer).bind(5, created);
    if (auto r = q->step(); !r) return std::unexpected(Store::error(r.error(), "insert"));
    return {};
}

}  // namespace stablepick::store
