#pragma once
// A thin RAII layer over SQLite. A Database and its Statements belong to one thread at a time.
#include <sqlite3.h>

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace stablepick::util {

struct SqliteError {
    int code = 0;  // SQLITE_FULL, SQLITE_BUSY, SQLITE_CORRUPT, ...
    std::string message;
};

class Statement {
  public:
    Statement() = default;
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
    Statement& operator=(Statement&& o) noexcept;
    Statement(const Statement&) = delete;
    ~Statement();

    // Bind by 1-based index; return *this so calls chain.
    Statement& bind(int i, int64_t v);
    Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
    Statement& bind(int i, double v);
    Statement& bind(int i, std::string_view v);
    Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Statement& bind_blob(int i, std::string_view v);
    Statement& bind_null(int i);
    Statement& bind(int i, const std::optional<std::string>& v) {
        return v ? bind(i, std::string_view(*v)) : bind_null(i);
    }

    // true: a row is ready; false: done. Errors carry SQLite's code.
    std::expected<bool, SqliteError> step();
    // Runs to completion (for statements that return no rows).
    std::expected<void, SqliteError> run();
    void reset();

    int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
    double real(int col) const { return sqlite3_column_double(stmt_, col); }
    int parameter_count() const { return sqlite3_bind_parameter_count(stmt_); }
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    int column_count() const { return sqlite3_column_count(stmt_); }
    int column_type(int col) const { return sqlite3_column_type(stmt_, col); }
    std::string column_name(int col) const { return sqlite3_column_name(stmt_, col); }
    std::string text(int col) const;
    std::string_view blob(int col) const;

  private:
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

class Database {
  public:
    static std::expected<Database, SqliteError> open(const std::filesystem::path& path,
                                                     bool read_only = false);
    Database(Database&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
    Database& operator=(Database&& o) noexcept;
    Database(const Database&) = delete;
    ~Database();

    std::expected<void, SqliteError> exec(std::string_view sql);
    std::expected<Statement, SqliteError> prepare(std::string_view sql);
    int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
    int changes() const { return sqlite3_changes(db_); }
    sqlite3* handle() const { return db_; }

  private:
    explicit Database(sqlite3* db) : db_(db) {}
    sqlite3* db_ = nullptr;
};

}  // namespace stablepick::util
