#pragma once
// The SQLite backend of the store: one file, WAL, a lock file beside it for the one writer.
// Only store/ includes this header.
#include <filesystem>
#include <string_view>

#include "stablepick/store/sql.hpp"
#include "stablepick/store/store.hpp"
#include "stablepick/util/sqlite.hpp"

namespace stablepick::store {

// Opens (creating it in kWrite mode) the SQLite store at `path` and brings its schema up to
// date; kWrite takes the lock file.
Result<OpenedBackend> open_sqlite(const std::filesystem::path& path, Store::Mode mode);

// SQLite's failure as a backend failure (SQLITE_BUSY is kUnavailable, SQLITE_CORRUPT kCorrupt),
// and as an Error naming what was being done.
SqlError to_sql_error(const util::SqliteError& e);
Error sqlite_error(const util::SqliteError& e, std::string_view doing);

// Applies the numbered migrations the database has not seen, then checks that every table
// and index they make is there. Idempotent. (store/schema.cpp)
Status migrate(util::Database& db);

}  // namespace stablepick::store
