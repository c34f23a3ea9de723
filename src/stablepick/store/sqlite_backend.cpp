#include "stablepick/store/sqlite_backend.hpp"

#include <fmt/format.h>

#include <memory>
#include <optional>

namespace stablepick::store {
namespace {

class SqliteStatement final : public StatementBackend {
  public:
    explicit SqliteStatement(util::Statement q) : q_(std::move(q)) {}
    void bind_int64(int i, int64_t v) override { q_.bind(i, v); }
    void bind_real(int i, double v) override { q_.bind(i, v); }
    void bind_text(int i, std::string_view v) override { q_.bind(i, v); }
    void bind_blob(int i, std::string_view v) override { q_.bind_blob(i, v); }
    void bind_null(int i) override { q_.bind_null(i); }
    std::expected<bool, SqlError> step() override {
        auto r = q_.step();
        if (!r) return std::unexpected(to_sql_error(r.error()));
        return *r;
    }
    std::expected<void, SqlError> run() override {
        auto r = q_.run();
        if (!r) return std::unexpected(to_sql_error(r.error()));
        return {};
    }
    void reset() override { q_.reset(); }
    int64_t int64(int col) const override { return q_.int64(col); }
    double real(int col) const override { return q_.real(col); }
    bool is_null(int col) const override { return q_.is_null(col); }
    std::string text(int col) const override { return q_.text(col); }
    std::string_view blob(int col) const override { return q_.blob(col); }
    int parameter_count() const override { return q_.parameter_count(); }
    int column_count() const override { return q_.column_count(); }
    std::string column_name(int col) const override { return q_.column_name(col); }
    ValueType type(int col) const override {
        switch (q_.column_type(col)) {
            case SQLITE_INTEGER:
                return ValueType::kInteger;
            case SQLITE_FLOAT:
                return ValueType::kReal;
            case SQLITE_BLOB:
                return ValueType::kBlob;
            case SQLITE_NULL:
                return ValueType::kNull;
            default:
                return ValueType::kText;
        }
    }

  private:
    util::Statement q_;
};

class SqliteConnection final : public Connection {
  public:
    explicit SqliteConnection(util::Database db) : db_(std::move(db)) {}
    std::expected<void, SqlError> exec(std::string_view sql) override {
        auto r = db_.exec(sql);
        if (!r) return std::unexpected(to_sql_error(r.error()));
        return {};
    }
    std::expected<Statement, SqlError> prepare(std::string_view sql) override {
        auto q = db_.prepare(sql);
        if (!q) return std::unexpected(to_sql_error(q.error()));
        return Statement(std::make_unique<SqliteStatement>(std::move(*q)));
    }
    int64_t last_insert_rowid() const override { return db_.last_insert_rowid(); }
    int changes() const override { return db_.changes(); }
    std::string utc_year(std::string_view unix_seconds) const override {
        return fmt::format("strftime('%Y', {}, 'unixepoch')", unix_seconds);
    }
    std::expected<void, SqlError> catch_up_row_ids() override { return {}; }

  private:
    util::Database db_;
};

}  // namespace

SqlError to_sql_error(const util::SqliteError& e) {
    ErrorCode code = ErrorCode::kIo;
    switch (e.code & 0xff) {
        case SQLITE_FULL:
            code = ErrorCode::kIo;
            break;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            code = ErrorCode::kCorrupt;
            break;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            code = ErrorCode::kUnavailable;
            break;
        case SQLITE_CANTOPEN:
            code = ErrorCode::kNotFound;
            break;
        default:
            break;
    }
    return SqlError{code, e.message};
}

Error sqlite_error(const util::SqliteError& e, std::string_view doing) {
    return Store::error(to_sql_error(e), doing);
}

Result<OpenedBackend> open_sqlite(const std::filesystem::path& path, Store::Mode mode) {
    std::error_code ec;
    std::optional<util::FileLock> lock;
    if (mode == Store::Mode::kWrite) {
        if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            return fail(ErrorCode::kIo, fmt::format("cannot create '{}': {}",
                                                    path.parent_path().string(), ec.message()));
        // The lock is named after the file itself, not the name it was given: two runs that
        // reach one store through a symlink or another relative path must exclude each other.
        auto real = std::filesystem::weakly_canonical(path, ec);
        std::string lock_path = (ec ? path : real).string() + ".lock";
        // As long as SQLite waits for a busy database: a short run (decide, a review's record)
        // queues behind another short run instead of failing at once.
        auto acquired = util::FileLock::acquire(lock_path, std::chrono::milliseconds(5000));
        if (!acquired && acquired.error() == std::errc::operation_would_block)
            return fail(ErrorCode::kUnavailable,
                        fmt::format("store '{}' is in use by another stablepick run "
                                    "(lock '{}'); wait for it to finish",
                                    path.string(), lock_path));
        if (!acquired)
            return fail(ErrorCode::kIo,
                        fmt::format("cannot lock store '{}' ('{}'): {}", path.string(), lock_path,
                                    acquired.error().message()));
        lock = std::move(*acquired);
    } else if (!std::filesystem::exists(path, ec)) {
        return fail(ErrorCode::kNotFound,
                    fmt::format("no store at '{}': run 'stablepick index' first", path.string()));
    }
    auto db = util::Database::open(path, mode == Store::Mode::kRead);
    if (!db)
        return std::unexpected(
            sqlite_error(db.error(), fmt::format("open store '{}'", path.string())));
    // WAL lets readers go on while an index run writes; NORMAL sync keeps the database
    // consistent after a crash, losing at most the last checkpointed batch.
    if (mode == Store::Mode::kWrite) {
        if (auto r = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !r)
            return std::unexpected(
                sqlite_error(r.error(), fmt::format("open store '{}'", path.string())));
    }
    // A writer wants a big page cache; a reader mostly scans (vectors, labels), where mapping
    // the file beats copying it into a cache that must first be zeroed.
    (void)db->exec(mode == Store::Mode::kWrite
                       ? "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;"
                       : "PRAGMA temp_store=MEMORY;");
    // Damage is reported with the store's name: the user may have several.
    auto naming = [&](const Error& e) {
        return e.code == ErrorCode::kCorrupt
                   ? Error{e.code, fmt::format("store '{}': {}", path.string(), e.message)}
                   : e;
    };
    if (mode == Store::Mode::kWrite) {
        if (auto r = migrate(*db); !r) return std::unexpected(naming(r.error()));
    } else {
        auto v = db->prepare("PRAGMA user_version");
        if (!v)
            return std::unexpected(
                sqlite_error(v.error(), fmt::format("read store '{}'", path.string())));
        auto row = v->step();
        if (!row)
            return std::unexpected(
                sqlite_error(row.error(), fmt::format("read store '{}'", path.string())));
        int64_t version = v->int64(0);
        if (version == kSchemaVersion) {
            // Nothing to migrate: this only checks that every table is there.
            v->reset();
            if (auto r = migrate(*db); !r) return std::unexpected(naming(r.error()));
        } else if (version < kSchemaVersion) {
            // An older store: migrations only add, so upgrade it (under the writer's lock)
            // and read on.
            v->reset();
            auto upgraded = open_sqlite(path, Store::Mode::kWrite);
            if (!upgraded) return std::unexpected(upgraded.error());
        } else if (version > kSchemaVersion) {
            return fail(
                ErrorCode::kCorrupt,
                fmt::format("store '{}' has schema version {}, newer than this stablepick ({}): "
                            "upgrade stablepick",
                            path.string(), version, kSchemaVersion));
        }
    }
    OpenedBackend opened;
    opened.connection = std::make_unique<SqliteConnection>(std::move(*db));
    opened.path = path;
    opened.lock = std::move(lock);
    return opened;
}

}  // namespace stablepick::store
