#include "stablepick/util/sqlite.hpp"

namespace stablepick::util {
namespace {
SqliteError error_of(sqlite3* db, int rc) {
    return SqliteError{rc, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)};
}
}  // namespace

Statement& Statement::operator=(Statement&& o) noexcept {
    if (this != &o) {
        if (stmt_) sqlite3_finalize(stmt_);
        db_ = o.db_;
        stmt_ = o.stmt_;
        o.stmt_ = nullptr;
    }
    return *this;
}

Statement::~Statement() {
    if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
}
Statement& Statement::bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}
Statement& Statement::bind_blob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}
Statement& Statement::bind_null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
}

std::expected<bool, SqliteError> Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    auto err = error_of(db_, rc);
    sqlite3_reset(stmt_);
    return std::unexpected(err);
}

std::expected<void, SqliteError> Statement::run() {
    while (true) {
        auto r = step();
        if (!r) return std::unexpected(r.error());
        if (!*r) break;
    }
    reset();
    return {};
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int col) const {
    auto* p = sqlite3_column_text(stmt_, col);
    if (!p) return {};
    return std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col));
}

std::string_view Statement::blob(int col) const {
    auto* p = sqlite3_column_blob(stmt_, col);
    if (!p) return {};
    return std::string_view(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, col));
}

std::expected<Database, SqliteError> Database::open(const std::filesystem::path& path,
                                                    bool read_only) {
    sqlite3* db = nullptr;
    int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        auto err = error_of(db, rc);
        sqlite3_close(db);
        return std::unexpected(err);
    }
    sqlite3_busy_timeout(db, 5000);
    return Database(db);
}

Database& Database::operator=(Database&& o) noexcept {
    if (this != &o) {
        if (db_) sqlite3_close(db_);
        db_ = o.db_;
        o.db_ = nullptr;
    }
    return *this;
}

Database::~Database() {
    if (db_) sqlite3_close(db_);
}

std::expected<void, SqliteError> Database::exec(std::string_view sql) {
    char* msg = nullptr;
    int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &msg);
    if (rc != SQLITE_OK) {
        SqliteError err{rc, msg ? msg : sqlite3_errstr(rc)};
        sqlite3_free(msg);
        return std::unexpected(err);
    }
    return {};
}

std::expected<Statement, SqliteError> Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(error_of(db_, rc));
    return Statement(db_, stmt);
}

}  // namespace stablepick::util
