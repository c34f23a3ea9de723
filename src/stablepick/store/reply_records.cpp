#include "stablepick/store/reply_records.hpp"

#include <fmt/format.h>

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {
namespace {

// A request names few commits; one text column keeps a reply one row (and its trees one
// table, since the figures count by tree).
std::string join_lines(const std::vector<std::string>& items) {
    std::string out;
    for (auto& i : items) out += (out.empty() ? "" : "\n") + i;
    return out;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        if (end > pos) out.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

Status add_trees(Connection& db, const char* table, const std::string& message_id,
                 const std::vector<std::string>& trees, std::string_view doing) {
    auto q =
        db.prepare(fmt::format("INSERT OR IGNORE INTO {}(message_id, tree) VALUES(?, ?)", table));
    if (!q) return std::unexpected(Store::error(q.error(), doing));
    for (auto& t : trees) {
        q->reset();
        q->bind(1, message_id).bind(2, t);
        if (auto r = q->run(); !r) return std::unexpected(Store::error(r.error(), doing));
    }
    return {};
}

Result<std::vector<std::string>> trees_of(Store& store, const char* table,
                                          const std::string& message_id) {
    return texts(connection_of(store),
                 fmt::format("SELECT tree FROM {} WHERE message_id = ? ORDER BY tree", table),
                 std::vector<std::string>{message_id}, "read the trees of a list mail");
}

}  // namespace

Result<bool> add_list_proposal(Store& store, const ListProposal& p) {
    auto& db = connection_of(store);
    constexpr std::string_view kDoing = "record a proposal from the list";
    auto q = db.prepare(
        "INSERT OR IGNORE INTO list_proposals(message_id, commit_sha, time, subject, "
        "llm_explained) VALUES(?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(Store::error(q.error(), kDoing));
    q->bind(1, p.message_id).bind(2, p.commit).bind(3, p.time).bind(4, p.subject);
    q->bind(5, static_cast<int64_t>(p.llm_explained));
    if (auto r = q->run(); !r) return std::unexpected(Store::error(r.error(), kDoing));
    if (db.changes() == 0) return false;
    if (auto r = add_trees(db, "list_proposal_trees", p.message_id, p.trees, kDoing); !r)
        return std::unexpected(r.error());
    return true;
}

Result<std::optional<ListProposal>> list_proposal(Store& store, const std::string& message_id) {
    std::optional<ListProposal> out;
    auto st = for_each_row(
        connection_of(store),
        "SELECT message_id, commit_sha, time, subject, llm_explained FROM "
        "list_proposals WHERE message_id = ?",
        std::vector<std::string>{message_id}, "read a proposal from the list", [&](Statement& q) {
            out = ListProposal{q.text(0), q.text(1), {}, q.int64(2), q.text(3), q.int64(4) != 0};
        });
    if (!st) return std::unexpected(st.error());
    if (out) {
        auto trees = trees_of(store, "list_proposal_trees", message_id);
        if (!trees) return std::unexpected(trees.error());
        out->trees = std::move(*trees);
    }
    return out;
}

Result<bool> add_list_reply(Store& store, const ListReply& r) {
    auto& db = connection_of(store);
    constexpr std::string_view kDoing = "record a reply from the list";
    auto q = db.prepare(
        "INSERT OR IGNORE INTO list_replies(message_id, answers, commit_sha, kind, author, time, "
        "text, asks_for) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q) return std::unexpected(Store::error(q.error(), kDoing));
    q->bind(1, r.message_id).bind(2, r.answers).bind(3, r.commit).bind(4, r.kind);
    q->bind(5, r.author).bind(6, r.time).bind(7, r.text).bind(8, join_lines(r.asks_for));
    if (auto done = q->run(); !done) return std::unexpected(Store::error(done.error(), kDoing));
    if (db.changes() == 0) return false;
    if (auto t = add_trees(db, "list_reply_trees", r.message_id, r.trees, kDoing); !t)
        return std::unexpected(t.error());
    return true;
}

Result<std::vector<ListReply>> replies_on(Store& store, const std::string& commit) {
    std::vector<ListReply> out;
    auto st = for_each_row(connection_of(store),
                           "SELECT message_id, answers, commit_sha, kind, author, time, text, "
                           "asks_for FROM list_replies WHERE commit_sha = ? ORDER BY time, "
                           "message_id",
                           std::vector<std::string>{commit}, "read the replies from the list",
                           [&](Statement& q) {
                               ListReply r;
                               r.message_id = q.text(0);
                               r.answers = q.text(1);
                               r.commit = q.text(2);
                               r.kind = q.text(3);
                               r.author = q.text(4);
                               r.time = q.int64(5);
                               r.text = q.text(6);
                               r.asks_for = split_lines(q.text(7));
                               out.push_back(std::move(r));
                           });
    if (!st) return std::unexpected(st.error());
    for (auto& r : out) {
        auto trees = trees_of(store, "list_reply_trees", r.message_id);
        if (!trees) return std::unexpected(trees.error());
        r.trees = std::move(*trees);
    }
    return out;
}

Result<std::vector<std::pair<std::string, std::string>>> candidates_mailed_as(
    Store& store, const std::string& message_id) {
    std::vector<std::pair<std::string, std::string>> out;
    auto st = for_each_row(
        connection_of(store),
        // The queue keeps the id as the mail wrote it, in angle brackets.
        "SELECT commit_sha, tree FROM candidates WHERE message_id IN (?, '<' || ? || '>') "
        "ORDER BY tree",
        std::vector<std::string>{message_id, message_id}, "read the queue",
        [&](Statement& q) { out.emplace_back(q.text(0), q.text(1)); });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::set<std::string>> mailed_message_ids(Store& store) {
    auto ids = texts(connection_of(store),
                     "SELECT DISTINCT message_id FROM candidates WHERE message_id IS NOT NULL",
                     std::vector<std::string>{}, "read the queue");
    if (!ids) return std::unexpected(ids.error());
    std::set<std::string> out;
    for (auto& id : *ids)
        out.insert(id.size() > 2 && id.front() == '<' && id.back() == '>'
                       ? id.substr(1, id.size() - 2)
                       : id);
    return out;
}

Result<std::vector<std::string>> stable_branch_names(Store& store) {
    return texts(connection_of(store),
                 "SELECT name FROM branches WHERE kind = 'stable' ORDER BY name",
                 std::vector<std::string>{}, "read branches");
}

}  // namespace stablepick::store
