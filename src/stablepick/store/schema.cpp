// Numbered schema migrations. Never edit a migration that has shipped: add the next one.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sqlite3.h>

#include <array>
#include <set>

#include "stablepick/store/migrations.hpp"
#include "stablepick/store/sqlite_backend.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::store {
namespace {

constexpr std::array<const char*, kSchemaVersion> kMigrations{
    // 1: commits, their parsed parts, branches and backport labels.
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE commits(
  id INTEGER PRIMARY KEY,
  sha TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  author_name TEXT NOT NULL, author_email TEXT NOT NULL, author_time INTEGER NOT NULL,
  committer_name TEXT NOT NULL, committer_email TEXT NOT NULL, commit_time INTEGER NOT NULL,
  subject TEXT NOT NULL, body TEXT NOT NULL,
  is_revert INTEGER NOT NULL, revert_of TEXT,
  patch_id TEXT,
  diff BLOB, diff_bytes INTEGER NOT NULL, diff_truncated INTEGER NOT NULL,
  files_skipped INTEGER NOT NULL,
  parent_count INTEGER NOT NULL
);
CREATE INDEX commits_patch_id ON commits(patch_id) WHERE patch_id IS NOT NULL;
CREATE INDEX commits_subject ON commits(subject);
CREATE INDEX commits_time ON commits(commit_time);
CREATE TABLE trailers(
  commit_id INTEGER NOT NULL, seq INTEGER NOT NULL,
  key TEXT NOT NULL, value TEXT NOT NULL, comment TEXT NOT NULL, kind TEXT NOT NULL,
  ref_id TEXT, ref_subject TEXT,
  PRIMARY KEY(commit_id, seq)) WITHOUT ROWID;
CREATE INDEX trailers_ref ON trailers(ref_id) WHERE ref_id IS NOT NULL;
CREATE INDEX trailers_kind ON trailers(kind, commit_id);
CREATE TABLE markers(
  commit_id INTEGER NOT NULL, seq INTEGER NOT NULL, ref_id TEXT NOT NULL, form TEXT NOT NULL,
  PRIMARY KEY(commit_id, seq)) WITHOUT ROWID;
CREATE TABLE files(
  commit_id INTEGER NOT NULL, seq INTEGER NOT NULL, path TEXT NOT NULL, old_path TEXT NOT NULL,
  status TEXT NOT NULL, added INTEGER NOT NULL, removed INTEGER NOT NULL,
  binary INTEGER NOT NULL, skipped INTEGER NOT NULL,
  PRIMARY KEY(commit_id, seq)) WITHOUT ROWID;
CREATE INDEX files_path ON files(path);
CREATE TABLE hunks(
  commit_id INTEGER NOT NULL, seq INTEGER NOT NULL, path TEXT NOT NULL, header TEXT NOT NULL,
  PRIMARY KEY(commit_id, seq)) WITHOUT ROWID;
CREATE TABLE skips(
  commit_id INTEGER NOT NULL, path TEXT NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY(commit_id, path)) WITHOUT ROWID;
CREATE TABLE branches(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, tip TEXT);
CREATE TABLE branch_commits(
  branch_id INTEGER NOT NULL, commit_id INTEGER NOT NULL,
  PRIMARY KEY(branch_id, commit_id)) WITHOUT ROWID;
CREATE INDEX branch_commits_commit ON branch_commits(commit_id);
CREATE TABLE backports(
  main_sha TEXT NOT NULL, branch TEXT NOT NULL, stable_sha TEXT NOT NULL,
  stable_time INTEGER NOT NULL, method TEXT NOT NULL, release TEXT NOT NULL,
  PRIMARY KEY(main_sha, branch, stable_sha)) WITHOUT ROWID;
CREATE INDEX backports_branch ON backports(branch, stable_time);
CREATE INDEX backports_stable ON backports(stable_sha);
)sql",
    // 2: embedding models and one vector per (model, commit).
    R"sql(
CREATE TABLE models(
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, trained_on INTEGER NOT NULL, dimension INTEGER NOT NULL,
  blob BLOB NOT NULL);
CREATE TABLE embeddings(
  model TEXT NOT NULL, commit_id INTEGER NOT NULL, vector BLOB NOT NULL,
  PRIMARY KEY(model, commit_id)) WITHOUT ROWID;
)sql",
    // 3: the LLM request cache. Answers only: requests carry no key, and none is stored.
    R"sql(
CREATE TABLE llm_cache(
  provider TEXT NOT NULL, model TEXT NOT NULL, prompt_hash TEXT NOT NULL,
  answer TEXT NOT NULL, created INTEGER NOT NULL,
  PRIMARY KEY(provider, model, prompt_hash)) WITHOUT ROWID;
)sql",
    // 4: reviews as they were shown, and maintainers' decisions.
    R"sql(
CREATE TABLE reviews(
  id INTEGER PRIMARY KEY, commit_sha TEXT NOT NULL, time INTEGER NOT NULL, version TEXT NOT NULL,
  probability REAL NOT NULL, selected INTEGER NOT NULL, result TEXT NOT NULL);
CREATE INDEX reviews_commit ON reviews(commit_sha, time);
CREATE TABLE decisions(
  commit_sha TEXT NOT NULL, branch TEXT NOT NULL, decision TEXT NOT NULL, reason TEXT NOT NULL,
  reviewer TEXT NOT NULL, time INTEGER NOT NULL,
  PRIMARY KEY(commit_sha, branch)) WITHOUT ROWID;
)sql",
    // 5: CVEs: fix commits, status, vulnerable:fixed ranges, the commits that brought bugs in.
    R"sql(
CREATE TABLE cves(
  cve TEXT NOT NULL, fix_sha TEXT NOT NULL, source TEXT NOT NULL,
  PRIMARY KEY(cve, fix_sha)) WITHOUT ROWID;
CREATE INDEX cves_fix ON cves(fix_sha);
CREATE TABLE cve_status(cve TEXT PRIMARY KEY, status TEXT NOT NULL, source TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE cve_ranges(
  cve TEXT NOT NULL, vulnerable_version TEXT NOT NULL, vulnerable_sha TEXT NOT NULL,
  fixed_version TEXT NOT NULL, fixed_sha TEXT NOT NULL, source TEXT NOT NULL);
CREATE INDEX cve_ranges_cve ON cve_ranges(cve);
CREATE TABLE cve_vulnerable(
  cve TEXT NOT NULL, sha TEXT NOT NULL, source TEXT NOT NULL,
  PRIMARY KEY(cve, sha)) WITHOUT ROWID;
)sql",
    // 6: "was this commit reverted?" without reading every commit (and its diff).
    R"sql(
CREATE INDEX IF NOT EXISTS commits_revert_of ON commits(revert_of) WHERE revert_of IS NOT NULL;
)sql",
    // 7: the merge that brought each commit onto the main branch (a pull request, a series
    // applied as a branch), for "what else came with it".
    R"sql(
CREATE TABLE IF NOT EXISTS merged_by(
  commit_id INTEGER PRIMARY KEY REFERENCES commits(id), merge_sha TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS merged_by_merge ON merged_by(merge_sha);
)sql",
    // 8: what "a commit on the main branch" means, written once for every read that asks.
    R"sql(
CREATE VIEW IF NOT EXISTS main_branch_commits AS
  SELECT bc.commit_id AS commit_id FROM branch_commits bc
  JOIN branches b ON b.id = bc.branch_id WHERE b.kind = 'main';
)sql",
    // 9: the maintainer's queue: each (commit, tree) candidate's state, every change of it
    // (who, when, why), and what must go to the tree before it. `version` counts the changes,
    // so two maintainers acting at once can tell that the other came first.
    R"sql(
CREATE TABLE IF NOT EXISTS candidates(
  commit_sha TEXT NOT NULL, tree TEXT NOT NULL, state TEXT NOT NULL, reason TEXT NOT NULL,
  probability REAL, until_time INTEGER, until_tag TEXT, message_id TEXT,
  proposed_time INTEGER NOT NULL, changed_time INTEGER NOT NULL, changed_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY(commit_sha, tree)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS candidates_tree_state ON candidates(tree, state);
CREATE INDEX IF NOT EXISTS candidates_message ON candidates(message_id) WHERE message_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS candidate_events(
  id INTEGER PRIMARY KEY, commit_sha TEXT NOT NULL, tree TEXT NOT NULL, time INTEGER NOT NULL,
  who TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS candidate_events_candidate ON candidate_events(commit_sha, tree, time);
CREATE INDEX IF NOT EXISTS candidate_events_time ON candidate_events(time);
CREATE TABLE IF NOT EXISTS candidate_needs(
  commit_sha TEXT NOT NULL, tree TEXT NOT NULL, needs_sha TEXT NOT NULL, position INTEGER NOT NULL,
  why TEXT NOT NULL,
  PRIMARY KEY(commit_sha, tree, needs_sha)) WITHOUT ROWID;
)sql",
    // 10: review mails on the list (AUTOSEL's proposals, by Message-ID, with the trees each
    // names) and the replies to them or to stablepick's own mails: what was said, by whom, for
    // which trees. The Message-ID is the key, so importing an archive again adds nothing.
    R"sql(
CREATE TABLE IF NOT EXISTS list_proposals(
  message_id TEXT PRIMARY KEY, commit_sha TEXT NOT NULL, time INTEGER NOT NULL,
  subject TEXT NOT NULL, llm_explained INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS list_proposals_commit ON list_proposals(commit_sha);
CREATE TABLE IF NOT EXISTS list_proposal_trees(
  message_id TEXT NOT NULL, tree TEXT NOT NULL, PRIMARY KEY(message_id, tree)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS list_replies(
  message_id TEXT PRIMARY KEY, answers TEXT NOT NULL, commit_sha TEXT NOT NULL,
  kind TEXT NOT NULL, author TEXT NOT NULL, time INTEGER NOT NULL, text TEXT NOT NULL,
  asks_for TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS list_replies_commit ON list_replies(commit_sha, time);
CREATE TABLE IF NOT EXISTS list_reply_trees(
  message_id TEXT NOT NULL, tree TEXT NOT NULL, PRIMARY KEY(message_id, tree)) WITHOUT ROWID;
)sql",
    // 11: the reviewers who may act through the review server, each with the SHA-256 of the
    // token they sign in with (the token itself is shown once and never stored).
    R"sql(
CREATE TABLE IF NOT EXISTS reviewers(
  name TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, created INTEGER NOT NULL) WITHOUT ROWID;
)sql",
};

// The tables and indexes of `db`, by name.
Result<std::set<std::string>> schema_objects(util::Database& db) {
    auto stmt = db.prepare(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'index', 'view') "
        "AND name NOT LIKE 'sqlite_%'");
    if (!stmt) return std::unexpected(sqlite_error(stmt.error(), "read the store's tables"));
    std::set<std::string> names;
    for (;;) {
        auto row = stmt->step();
        if (!row) return std::unexpected(sqlite_error(row.error(), "read the store's tables"));
        if (!*row) break;
        names.insert(stmt->text(0));
    }
    return names;
}

}  // namespace

std::span<const char* const> migrations() {
    return kMigrations;
}

// What every migration creates, learned by running them on an empty in-memory database, so
// the list can never drift from the migrations.
const std::set<std::string>& expected_schema_objects() {
    static const std::set<std::string> names = [] {
        auto db = util::Database::open(":memory:", false);
        if (!db) return std::set<std::string>{};
        for (const char* sql : kMigrations)
            if (!db->exec(sql)) return std::set<std::string>{};
        auto got = schema_objects(*db);
        return got ? *got : std::set<std::string>{};
    }();
    return names;
}

const std::vector<std::string>& schema_tables() {
    static const std::vector<std::string> tables = [] {
        std::vector<std::string> out;
        auto db = util::Database::open(":memory:", false);
        if (!db) return out;
        for (const char* sql : kMigrations)
            if (!db->exec(sql)) return out;
        auto q = db->prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY rowid");
        if (!q) return out;
        while (true) {
            auto row = q->step();
            if (!row || !*row) break;
            out.push_back(q->text(0));
        }
        return out;
    }();
    return tables;
}

namespace {

Error damaged(std::string_view why) {
    return Error{ErrorCode::kCorrupt, fmt::format("the store is damaged: {}", why)};
}

// A store at the current version must hold every table and index its migrations made: one
// dropped (by hand, or by a tool that rewrote the file) would otherwise fail later as an
// I/O error in whatever command first reads it.
Status check_objects(util::Database& db) {
    auto have = schema_objects(db);
    if (!have) return std::unexpected(have.error());
    std::vector<std::string> missing;
    for (auto& name : expected_schema_objects())
        if (!have->contains(name)) missing.push_back(name);
    if (missing.empty()) return {};
    return std::unexpected(damaged(
        fmt::format("{} missing ({}); restore it from a backup or index again into a new store",
                    missing.size() == 1 ? "a table or index is" : "tables or indexes are",
                    fmt::join(missing, ", "))));
}

}  // namespace

Status migrate(util::Database& db) {
    auto version_stmt = db.prepare("PRAGMA user_version");
    if (!version_stmt)
        return std::unexpected(sqlite_error(version_stmt.error(), "read schema version"));
    auto row = version_stmt->step();
    if (!row) return std::unexpected(sqlite_error(row.error(), "read schema version"));
    int64_t version = version_stmt->int64(0);
    version_stmt->reset();
    if (version > kSchemaVersion)
        return fail(ErrorCode::kCorrupt,
                    fmt::format("store schema version {} is newer than this stablepick ({}): "
                                "upgrade stablepick",
                                version, kSchemaVersion));
    if (version < 0)
        return std::unexpected(
            damaged(fmt::format("its schema version is {}, which no stablepick writes", version)));
    if (version == 0) {
        // A new store is empty; one with tables but no version was not written by stablepick
        // (or its header was overwritten).
        auto have = schema_objects(db);
        if (!have) return std::unexpected(have.error());
        if (!have->empty())
            return std::unexpected(
                damaged("it holds tables but no schema version (was it written by stablepick?)"));
    }
    for (auto v = static_cast<int>(version); v < kSchemaVersion; ++v) {
        std::string sql = fmt::format("BEGIN IMMEDIATE;\n{}\nPRAGMA user_version = {};\nCOMMIT;",
                                      kMigrations[static_cast<size_t>(v)], v + 1);
        if (auto r = db.exec(sql); !r) {
            (void)db.exec("ROLLBACK");
            // A migration that fails on its own SQL ("table already exists") means the version
            // number and the tables disagree; a full disk or a busy store is reported as such.
            if ((r.error().code & 0xff) == SQLITE_ERROR)
                return std::unexpected(
                    damaged(fmt::format("its schema version is {} but its tables are not ({})",
                                        version, r.error().message)));
            return std::unexpected(
                sqlite_error(r.error(), fmt::format("migrate store to schema {}", v + 1)));
        }
    }
    return check_objects(db);
}

}  // namespace stablepick::store
