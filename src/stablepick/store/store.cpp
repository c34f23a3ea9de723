#include "stablepick/store/store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "stablepick/core/url_scheme.hpp"
#include "stablepick/store/postgres_backend.hpp"
#include "stablepick/store/sql.hpp"
#include "stablepick/store/sqlite_backend.hpp"

namespace stablepick {
namespace {

const char* kind_name(Trailer::Kind kind) {
    switch (kind) {
        case Trailer::Kind::kFixes:
            return "fixes";
        case Trailer::Kind::kFixesIssue:
            return "fixes-issue";
        case Trailer::Kind::kCcStable:
            return "cc-stable";
        case Trailer::Kind::kCcNoAutosel:
            return "cc-noautosel";
        case Trailer::Kind::kSignedOffBy:
            return "signed-off-by";
        case Trailer::Kind::kReportedBy:
            return "reported-by";
        case Trailer::Kind::kLink:
            return "link";
        case Trailer::Kind::kCloses:
            return "closes";
        case Trailer::Kind::kOther:
            return "other";
    }
    return "other";
}

}  // namespace

Error Store::error(const SqlError& e, std::string_view doing) {
    return Error{e.code, fmt::format("cannot {}: {}", doing, e.message)};
}

std::filesystem::path Store::default_path(const std::filesystem::path& git_dir) {
    return git_dir / "stablepick" / "store.sqlite";
}

namespace {

Result<store::OpenedBackend> open_sqlite_at(const BackendUrl& url, std::string_view,
                                            Store::Mode mode) {
    return store::open_sqlite(url.rest, mode);
}
Result<store::OpenedBackend> open_postgres_at(const BackendUrl&, std::string_view whole,
                                              Store::Mode mode) {
    return store::open_postgres(whole, mode);
}

// How each store backend of core/url_scheme's table opens: a file backend from the path after
// the scheme, a server from the whole URL.
struct BackendEntry {
    Backend backend;
    Result<store::OpenedBackend> (*open)(const BackendUrl& url, std::string_view whole,
                                         Store::Mode mode);
};
constexpr BackendEntry kBackends[] = {
    {Backend::kSqlite, open_sqlite_at},
    {Backend::kPostgres, open_postgres_at},
};

// Whether `location` is written as a URL ("scheme:rest" with a scheme of the table, or
// "anything://"), rather than as a path: a file named "a:b" is still a file.
bool is_url(std::string_view location) {
    size_t colon = location.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    std::string_view scheme = location.substr(0, colon);
    if (!std::isalpha(static_cast<unsigned char>(scheme[0]))) return false;
    for (char c : scheme)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
            return false;
    for (auto& known : url_schemes())
        if (known.name == scheme) return true;
    return location.substr(colon + 1).starts_with("//");
}

}  // namespace

Result<Store> Store::open(const std::filesystem::path& location, Mode mode) {
    const std::string& text = location.native();
    BackendUrl url;
    url.rest = text;  // a bare path is a SQLite file
    std::string_view scheme = "sqlite";
    if (is_url(text)) {
        // An unknown scheme, or one that names no store, is refused naming the forms a store
        // takes.
        auto parsed = parse_backend_url(text, UrlKind::kStore);
        if (!parsed) return std::unexpected(parsed.error());
        url = std::move(*parsed);
        if (url.scheme) scheme = url.scheme->name;
    }
    for (auto& b : kBackends) {
        if (b.backend != url.backend) continue;
        auto opened = b.open(url, text, mode);
        if (!opened) return std::unexpected(opened.error());
        std::string name =
            opened->url.empty() ? fmt::format("{}:{}", scheme, opened->path.string()) : opened->url;
        return Store(std::move(name), std::move(*opened));
    }
    return fail(ErrorCode::kInvalidInput,
                fmt::format("store '{}': this stablepick has no backend for it", text));
}

Store::Store(std::string url, store::OpenedBackend backend)
    : url_(std::move(url)),
      path_(std::move(backend.path)),
      db_(std::move(backend.connection)),
      lock_(std::move(backend.lock)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

store::Connection& store::connection_of(Store& store) {
    return *store.db_;
}

Result<store::Statement*> Store::cached(std::string_view sql) {
    for (auto& [text, stmt] : statements_)
        if (text == sql) return stmt.get();
    auto stmt = db_->prepare(sql);
    if (!stmt) return std::unexpected(error(stmt.error(), "prepare a store query"));
    statements_.emplace_back(std::string(sql),
                             std::make_unique<store::Statement>(std::move(*stmt)));
    return statements_.back().second.get();
}

Status Store::begin() {
    if (auto r = db_->exec("BEGIN IMMEDIATE"); !r)
        return std::unexpected(error(r.error(), "start a transaction"));
    return {};
}

Status Store::commit() {
    if (auto r = db_->exec("COMMIT"); !r) {
        rollback();
        return std::unexpected(error(r.error(), "write to the store"));
    }
    return {};
}

void Store::rollback() {
    (void)db_->exec("ROLLBACK");
}

#define SP_TRY_STMT(var, sql)                              \
    auto var##_r = cached(sql);                            \
    if (!var##_r) return std::unexpected(var##_r.error()); \
    store::Statement& var = **var##_r

#define SP_TRY_RUN(stmt, doing) \
    if (auto rr = (stmt).run(); !rr) return std::unexpected(error(rr.error(), doing))

Result<std::optional<int64_t>> Store::commit_row(std::string_view id) {
    SP_TRY_STMT(q, "SELECT id FROM commits WHERE sha = ?");
    q.bind(1, id);
    auto row = q.step();
    if (!row) return std::unexpected(error(row.error(), "read commits"));
    std::optional<int64_t> out;
    if (*row) out = q.int64(0);
    q.reset();
    return out;
}

Result<int64_t> Store::insert_commit(const Commit& c, std::string_view compressed_diff) {
    SP_TRY_STMT(ins, R"(INSERT INTO commits(sha, source, author_name, author_email, author_time,
        committer_name, committer_email, commit_time, subject, body, is_revert, revert_of,
        patch_id, diff, diff_bytes, diff_truncated, files_skipped, parent_count)
        VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?))");
    int skipped = 0;
    for (auto& f : c.files) skipped += f.skipped ? 1 : 0;
    ins.bind(1, c.id).bind(2, c.source).bind(3, c.author_name).bind(4, c.author_email);
    ins.bind(5, c.author_time).bind(6, c.committer_name).bind(7, c.committer_email);
    ins.bind(8, c.commit_time).bind(9, c.subject).bind(10, c.body).bind(11, c.is_revert ? 1 : 0);
    ins.bind(12, c.revert_of);
    if (c.patch_id.empty())
        ins.bind_null(13);
    else
        ins.bind(13, c.patch_id);
    if (compressed_diff.empty())
        ins.bind_null(14);
    else
        ins.bind_blob(14, compressed_diff);
    ins.bind(15, c.diff_bytes).bind(16, c.diff_truncated ? 1 : 0).bind(17, skipped);
    ins.bind(18, c.parent_count);
    SP_TRY_RUN(ins, fmt::format("store commit '{}'", c.id));
    int64_t row = db_->last_insert_rowid();

    SP_TRY_STMT(tr, "INSERT INTO trailers VALUES(?,?,?,?,?,?,?,?)");
    for (size_t i = 0; i < c.trailers.size(); ++i) {
        auto& t = c.trailers[i];
        tr.bind(1, row).bind(2, static_cast<int64_t>(i)).bind(3, t.key).bind(4, t.value);
        tr.bind(5, t.comment).bind(6, kind_name(t.kind));
        if (t.ref_id.empty())
            tr.bind_null(7);
        else
            tr.bind(7, t.ref_id);
        if (t.ref_subject.empty())
            tr.bind_null(8);
        else
            tr.bind(8, t.ref_subject);
        SP_TRY_RUN(tr, "store trailers");
    }
    SP_TRY_STMT(mk, "INSERT INTO markers VALUES(?,?,?,?)");
    for (size_t i = 0; i < c.markers.size(); ++i) {
        mk.bind(1, row)
            .bind(2, static_cast<int64_t>(i))
            .bind(3, c.markers[i].id)
            .bind(4, c.markers[i].form);
        SP_TRY_RUN(mk, "store markers");
    }
    SP_TRY_STMT(fl, "INSERT INTO files VALUES(?,?,?,?,?,?,?,?,?)");
    for (size_t i = 0; i < c.files.size(); ++i) {
        auto& f = c.files[i];
        fl.bind(1, row).bind(2, static_cast<int64_t>(i)).bind(3, f.path).bind(4, f.old_path);
        fl.bind(5, std::string(1, f.status)).bind(6, f.added).bind(7, f.removed);
        fl.bind(8, f.binary ? 1 : 0).bind(9, f.skipped ? 1 : 0);
        SP_TRY_RUN(fl, "store files");
    }
    SP_TRY_STMT(hk, "INSERT INTO hunks VALUES(?,?,?,?)");
    for (size_t i = 0; i < c.hunks.size(); ++i) {
        hk.bind(1, row)
            .bind(2, static_cast<int64_t>(i))
            .bind(3, c.hunks[i].path)
            .bind(4, c.hunks[i].header);
        SP_TRY_RUN(hk, "store hunks");
    }
    return row;
}

Status Store::add_skip(int64_t commit_row, std::string_view path, std::string_view reason) {
    SP_TRY_STMT(q, "INSERT OR IGNORE INTO skips VALUES(?,?,?)");
    q.bind(1, commit_row).bind(2, path).bind(3, reason);
    SP_TRY_RUN(q, "store skipped files");
    return {};
}

Result<int64_t> Store::ensure_branch(std::string_view name, BranchKind kind) {
    SP_TRY_STMT(ins,
                "INSERT INTO branches(name, kind) VALUES(?, ?) ON CONFLICT(name) DO UPDATE SET "
                "kind = excluded.kind");
    ins.bind(1, name).bind(2, kind == BranchKind::kMain ? "main" : "stable");
    SP_TRY_RUN(ins, "store branches");
    SP_TRY_STMT(q, "SELECT id FROM branches WHERE name = ?");
    q.bind(1, name);
    auto row = q.step();
    if (!row) return std::unexpected(error(row.error(), "read branches"));
    int64_t id = q.int64(0);
    q.reset();
    return id;
}

Status Store::add_to_branch(int64_t branch_row, int64_t commit_row) {
    SP_TRY_STMT(q, "INSERT OR IGNORE INTO branch_commits VALUES(?, ?)");
    q.bind(1, branch_row).bind(2, commit_row);
    SP_TRY_RUN(q, "store branch membership");
    return {};
}

Result<std::optional<std::string>> Store::branch_tip(std::string_view name) {
    SP_TRY_STMT(q, "SELECT tip FROM branches WHERE name = ?");
    q.bind(1, name);
    auto row = q.step();
    if (!row) return std::unexpected(error(row.error(), "read branches"));
    std::optional<std::string> out;
    if (*row && !q.is_null(0)) out = q.text(0);
    q.reset();
    return out;
}

Status Store::set_branch_tip(std::string_view name, std::string_view tip) {
    SP_TRY_STMT(q, "UPDATE branches SET tip = ? WHERE name = ?");
    q.bind(1, tip).bind(2, name);
    SP_TRY_RUN(q, "store branch tips");
    return {};
}

Status Store::replace_labels(const std::vector<std::string>& methods,
                             const std::vector<BackportLabel>& labels) {
    SP_TRY_STMT(del, "DELETE FROM backports WHERE method = ?");
    for (auto& m : methods) {
        del.bind(1, m);
        SP_TRY_RUN(del, "replace labels");
    }
    for (auto& l : labels)
        if (auto r = add_label(l); !r) return r;
    return {};
}

Status Store::add_label(const BackportLabel& l) {
    SP_TRY_STMT(q, "INSERT OR IGNORE INTO backports VALUES(?,?,?,?,?,?)");
    q.bind(1, l.main_id).bind(2, l.branch).bind(3, l.stable_id).bind(4, l.stable_time);
    q.bind(5, l.method).bind(6, l.release);
    SP_TRY_RUN(q, "store labels");
    return {};
}

Result<int64_t> Store::rederive_markers(
    const std::function<std::vector<BackportMarker>(std::string_view message)>& find) {
    std::unordered_map<int64_t, std::vector<BackportMarker>> stored;
    {
        SP_TRY_STMT(q, "SELECT commit_id, ref_id, form FROM markers ORDER BY commit_id, seq");
        while (true) {
            auto row = q.step();
            if (!row) return std::unexpected(error(row.error(), "read markers"));
            if (!*row) break;
            stored[q.int64(0)].push_back({q.text(1), q.text(2)});
        }
        q.reset();
    }
    std::vector<std::pair<int64_t, std::vector<BackportMarker>>> changed;
    {
        SP_TRY_STMT(q, "SELECT id, subject, body FROM commits");
        std::string message;
        while (true) {
            auto row = q.step();
            if (!row) return std::unexpected(error(row.error(), "read messages"));
            if (!*row) break;
            message = q.text(1);
            message += "\n\n";
            message += q.text(2);
            auto found = find(message);
            auto it = stored.find(q.int64(0));
            const std::vector<BackportMarker> none;
            const auto& before = it == stored.end() ? none : it->second;
            bool same = found.size() == before.size() &&
                        std::ranges::equal(found, before, [](auto& a, auto& b) {
                            return a.id == b.id && a.form == b.form;
                        });
            if (!same) changed.emplace_back(q.int64(0), std::move(found));
        }
        q.reset();
    }
    SP_TRY_STMT(del, "DELETE FROM markers WHERE commit_id = ?");
    SP_TRY_STMT(ins, "INSERT INTO markers VALUES(?,?,?,?)");
    for (auto& [row, markers] : changed) {
        del.bind(1, row);
        SP_TRY_RUN(del, "replace markers");
        for (size_t i = 0; i < markers.size(); ++i) {
            ins.bind(1, row).bind(2, static_cast<int64_t>(i)).bind(3, markers[i].id);
            ins.bind(4, markers[i].form);
            SP_TRY_RUN(ins, "replace markers");
        }
    }
    return static_cast<int64_t>(changed.size());
}

Result<std::string> Store::meta(std::string_view key) {
    SP_TRY_STMT(q, "SELECT value FROM meta WHERE key = ?");
    q.bind(1, key);
    auto row = q.step();
    if (!row) return std::unexpected(error(row.error(), "read meta"));
    std::string out = *row ? q.text(0) : std::string();
    q.reset();
    return out;
}

Status Store::set_meta(std::string_view key, std::string_view value) {
    SP_TRY_STMT(
        q, "INSERT INTO meta VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    q.bind(1, key).bind(2, value);
    SP_TRY_RUN(q, "write meta");
    return {};
}

}  // namespace stablepick
