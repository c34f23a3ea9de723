#include "stablepick/store/candidate_records.hpp"

#include <fmt/format.h>

#include <cctype>

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {
namespace {

constexpr const char* kColumns =
    "c.commit_sha, c.tree, c.state, c.reason, c.probability, c.until_time, c.until_tag, "
    "c.message_id, c.proposed_time, c.changed_time, c.changed_by, c.version, "
    "COALESCE((SELECT x.subject FROM commits x WHERE x.sha = c.commit_sha), '')";

CandidateRow row_of(Statement& q) {
    CandidateRow r;
    r.commit = q.text(0);
    r.tree = q.text(1);
    r.state = q.text(2);
    r.reason = q.text(3);
    if (!q.is_null(4)) r.probability = q.real(4);
    if (!q.is_null(5)) r.until_time = q.int64(5);
    if (!q.is_null(6)) r.until_tag = q.text(6);
    if (!q.is_null(7)) r.message_id = q.text(7);
    r.proposed_time = q.int64(8);
    r.changed_time = q.int64(9);
    r.changed_by = q.text(10);
    r.version = q.int64(11);
    r.subject = q.text(12);
    return r;
}

template <typename T>
void bind_optional(Statement& q, int i, const std::optional<T>& v) {
    if (v)
        q.bind(i, *v);
    else
        q.bind_null(i);
}

Status add_event(Connection& db, const CandidateEvent& e) {
    auto q = db.prepare(
        "INSERT INTO candidate_events(commit_sha, tree, time, who, from_state, to_state, reason) "
        "VALUES(?, ?, ?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(Store::error(q.error(), "record the queue's change"));
    q->bind(1, e.commit)
        .bind(2, e.tree)
        .bind(3, e.time)
        .bind(4, e.who)
        .bind(5, e.from_state)
        .bind(6, e.to_state)
        .bind(7, e.reason);
    if (auto r = q->run(); !r)
        return std::unexpected(Store::error(r.error(), "record the queue's change"));
    return {};
}

Result<std::vector<CandidateRow>> read_candidates(Store& store, const std::string& where,
                                                  const std::vector<std::string>& args) {
    std::vector<CandidateRow> out;
    auto st = for_each_row(connection_of(store),
                           fmt::format("SELECT {} FROM candidates c {} ORDER BY c.tree, "
                                       "COALESCE(c.probability, -1) DESC, c.commit_sha",
                                       kColumns, where),
                           args, "read the queue", [&](Statement& q) { out.push_back(row_of(q)); });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::vector<CandidateEvent>> read_events(Store& store, const std::string& where,
                                                const std::vector<std::string>& args) {
    std::vector<CandidateEvent> out;
    auto st = for_each_row(connection_of(store),
                           fmt::format("SELECT commit_sha, tree, time, who, from_state, to_state, "
                                       "reason FROM candidate_events {} ORDER BY time, id",
                                       where),
                           args, "read the queue's changes", [&](Statement& q) {
                               out.push_back({q.text(0), q.text(1), q.int64(2), q.text(3),
                                              q.text(4), q.text(5), q.text(6)});
                           });
    if (!st) return std::unexpected(st.error());
    return out;
}

}  // namespace

Result<std::optional<CandidateRow>> candidate(Store& store, const std::string& commit,
                                              const std::string& tree) {
    auto rows = read_candidates(store, "WHERE c.commit_sha = ? AND c.tree = ?", {commit, tree});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::optional<CandidateRow>{};
    return std::optional<CandidateRow>{std::move(rows->front())};
}

Result<bool> insert_candidate(Store& store, const CandidateRow& r, const std::string& reason) {
    auto& db = connection_of(store);
    auto q = db.prepare(
        "INSERT OR IGNORE INTO candidates(commit_sha, tree, state, reason, probability, "
        "until_time, until_tag, message_id, proposed_time, changed_time, changed_by, version) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)");
    if (!q) return std::unexpected(Store::error(q.error(), "add to the queue"));
    q->bind(1, r.commit).bind(2, r.tree).bind(3, r.state).bind(4, r.reason);
    bind_optional(*q, 5, r.probability);
    bind_optional(*q, 6, r.until_time);
    q->bind(7, r.until_tag).bind(8, r.message_id);
    q->bind(9, r.proposed_time).bind(10, r.changed_time).bind(11, r.changed_by);
    if (auto done = q->run(); !done)
        return std::unexpected(Store::error(done.error(), "add to the queue"));
    if (db.changes() == 0) return false;
    if (auto e =
            add_event(db, {r.commit, r.tree, r.changed_time, r.changed_by, "", r.state, reason});
        !e)
        return std::unexpected(e.error());
    return true;
}

Result<bool> update_candidate(Store& store, const CandidateRow& r, const std::string& from_state) {
    auto& db = connection_of(store);
    auto q = db.prepare(
        "UPDATE candidates SET state = ?, reason = ?, probability = ?, until_time = ?, "
        "until_tag = ?, message_id = ?, changed_time = ?, changed_by = ?, version = version + 1 "
        "WHERE commit_sha = ? AND tree = ? AND version = ?");
    if (!q) return std::unexpected(Store::error(q.error(), "change the queue"));
    q->bind(1, r.state).bind(2, r.reason);
    bind_optional(*q, 3, r.probability);
    bind_optional(*q, 4, r.until_time);
    q->bind(5, r.until_tag).bind(6, r.message_id).bind(7, r.changed_time).bind(8, r.changed_by);
    q->bind(9, r.commit).bind(10, r.tree).bind(11, r.version);
    if (auto done = q->run(); !done)
        return std::unexpected(Store::error(done.error(), "change the queue"));
    if (db.changes() == 0) return false;
    if (auto e = add_event(
            db, {r.commit, r.tree, r.changed_time, r.changed_by, from_state, r.state, r.reason});
        !e)
        return std::unexpected(e.error());
    return true;
}

Result<std::vector<CandidateRow>> candidates(Store& store, const CandidateFilter& f) {
    std::string where = "WHERE 1 = 1";
    std::vector<std::string> args;
    if (!f.tree.empty()) where += " AND c.tree = ?", args.push_back(f.tree);
    if (!f.state.empty()) where += " AND c.state = ?", args.push_back(f.state);
    if (!f.commit_prefix.empty())
        where += " AND c.commit_sha >= ? AND c.commit_sha < ?", args.push_back(f.commit_prefix),
            args.push_back(f.commit_prefix + "\x7f");
    auto rows = read_candidates(store, where, args);
    if (rows && f.limit && rows->size() > f.limit) rows->resize(f.limit);
    return rows;
}

Result<CandidatePage> candidates_page(Store& store, const CandidateFilter& f,
                                      const std::string& text, size_t offset, size_t limit) {
    std::string where = "WHERE 1 = 1";
    std::vector<std::string> args;
    if (!f.tree.empty()) where += " AND c.tree = ?", args.push_back(f.tree);
    if (!f.state.empty()) where += " AND c.state = ?", args.push_back(f.state);
    if (!text.empty()) {
        // The text is matched as it is: its % and _ are not wildcards.
        std::string escaped;
        for (char ch : text) {
            if (ch == '%' || ch == '_' || ch == '\\') escaped += '\\';
            escaped += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
        where +=
            " AND (LOWER(COALESCE((SELECT x.subject FROM commits x WHERE x.sha = "
            "c.commit_sha), '')) LIKE ? ESCAPE '\\' OR c.commit_sha LIKE ? ESCAPE '\\')";
        args.push_back("%" + escaped + "%");
        args.push_back(escaped + "%");
    }
    CandidatePage page;
    auto& db = connection_of(store);
    auto st = for_each_row(db, fmt::format("SELECT COUNT(*) FROM candidates c {}", where), args,
                           "read the queue", [&](Statement& q) { page.total = q.int64(0); });
    if (!st) return std::unexpected(st.error());
    // The page first, then the subjects of its rows alone (not of every candidate sorted).
    const char* order = "ORDER BY COALESCE(c.probability, -1) DESC, c.tree, c.commit_sha";
    st =
        for_each_row(db,
                     fmt::format("SELECT {} FROM (SELECT * FROM candidates c {} {} LIMIT {} "
                                 "OFFSET {}) c {}",
                                 kColumns, where, order, limit, offset, order),
                     args, "read the queue", [&](Statement& q) { page.rows.push_back(row_of(q)); });
    if (!st) return std::unexpected(st.error());
    return page;
}

Result<std::vector<CandidateRow>> candidates_in(Store& store,
                                                const std::vector<std::string>& states) {
    std::string marks;
    for (size_t i = 0; i < states.size(); ++i) marks += i ? ", ?" : "?";
    return read_candidates(store, fmt::format("WHERE c.state IN ({})", marks), states);
}

Result<std::vector<CandidateEvent>> candidate_events(Store& store, const std::string& commit,
                                                     const std::string& tree) {
    if (tree.empty()) return read_events(store, "WHERE commit_sha = ?", {commit});
    return read_events(store, "WHERE commit_sha = ? AND tree = ?", {commit, tree});
}

Result<std::vector<CandidateEvent>> events_since(Store& store, int64_t since) {
    return read_events(store, "WHERE time >= CAST(? AS BIGINT)", {std::to_string(since)});
}

Status set_candidate_needs(Store& store, const std::string& commit, const std::string& tree,
                           const std::vector<CandidateNeed>& needs) {
    auto& db = connection_of(store);
    auto del = db.prepare("DELETE FROM candidate_needs WHERE commit_sha = ? AND tree = ?");
    if (!del) return std::unexpected(Store::error(del.error(), "record prerequisites"));
    if (auto r = del->bind(1, commit).bind(2, tree).run(); !r)
        return std::unexpected(Store::error(r.error(), "record prerequisites"));
    auto q = db.prepare(
        "INSERT OR IGNORE INTO candidate_needs(commit_sha, tree, needs_sha, position, why) "
        "VALUES(?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(Store::error(q.error(), "record prerequisites"));
    for (size_t i = 0; i < needs.size(); ++i) {
        q->bind(1, commit)
            .bind(2, tree)
            .bind(3, needs[i].needs)
            .bind(4, static_cast<int64_t>(i))
            .bind(5, needs[i].why);
        if (auto r = q->run(); !r)
            return std::unexpected(Store::error(r.error(), "record prerequisites"));
    }
    return {};
}

Result<std::vector<CandidateNeed>> candidate_needs(Store& store, const std::string& commit,
                                                   const std::string& tree) {
    std::vector<CandidateNeed> out;
    auto st = for_each_row(
        connection_of(store),
        "SELECT needs_sha, why FROM candidate_needs WHERE commit_sha = ? AND tree = ? "
        "ORDER BY position",
        std::vector<std::string>{commit, tree}, "read prerequisites", [&](Statement& q) {
            out.push_back({q.text(0), q.text(1)});
        });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::vector<std::string>> candidates_needing(Store& store, const std::string& commit,
                                                    const std::string& tree) {
    return texts(connection_of(store),
                 "SELECT commit_sha FROM candidate_needs WHERE needs_sha = ? AND tree = ? "
                 "ORDER BY commit_sha",
                 std::vector<std::string>{commit, tree}, "read prerequisites");
}

Result<std::optional<std::string>> carried_to(Store& store, const std::string& commit,
                                              const std::string& tree) {
    std::optional<std::string> out;
    auto st = for_each_row(connection_of(store),
                           "SELECT stable_sha FROM backports WHERE main_sha = ? AND branch = ? "
                           "ORDER BY stable_sha = '', stable_time LIMIT 1",
                           std::vector<std::string>{commit, tree}, "read backport labels",
                           [&](Statement& q) { out = q.text(0); });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::vector<ExportCommit>> commits_to_export(Store& store, const std::string& tree,
                                                    const std::string& state) {
    std::vector<ExportCommit> out;
    auto st = for_each_row(
        connection_of(store),
        "SELECT x.sha, x.subject, x.body, x.author_name, x.author_email, x.author_time "
        "FROM candidates c JOIN commits x ON x.sha = c.commit_sha "
        "WHERE c.tree = ? AND c.state = ? ORDER BY x.commit_time, x.id",
        std::vector<std::string>{tree, state}, "read the queue", [&](Statement& q) {
            out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.int64(5)});
        });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::optional<BranchKind>> branch_kind(Store& store, const std::string& name) {
    auto kinds = texts(connection_of(store), "SELECT kind FROM branches WHERE name = ?",
                       std::vector<std::string>{name}, "read branches");
    if (!kinds) return std::unexpected(kinds.error());
    if (kinds->empty()) return std::optional<BranchKind>{};
    return std::optional<BranchKind>{kinds->front() == "main" ? BranchKind::kMain
                                                              : BranchKind::kStable};
}

}  // namespace stablepick::store
