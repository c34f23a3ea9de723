#pragma once
// The PostgreSQL backend of the store, for a team that shares one: libpq, one connection per
// Store, the same numbered migrations as SQLite (translated), and the writer's lock as a
// PostgreSQL advisory lock, so two runs never write at once there either. Only store/ includes
// this header.
//
// The location is libpq's URL, "postgresql://[user@]host[:port]/dbname[?param=value…]"
// (postgres:// too). A password is never read from it: libpq takes it from PGPASSWORD or
// ~/.pgpass, so a URL that is printed or recorded gives nothing away. The tables go in the
// connection's schema (search_path: "?options=-csearch_path%3Dteam" puts them in "team").
#include <string>
#include <string_view>

#include "stablepick/store/sql.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::store {

// Connects to the store at `url` and brings its schema up to date (kWrite, under the writer's
// lock) or checks it (kRead). kUnavailable when the server cannot be reached or another run
// holds the lock; kInvalidInput for a URL that holds a password.
Result<OpenedBackend> open_postgres(std::string_view url, Store::Mode mode);

// A statement as the store's parts write it (SQLite's dialect) as PostgreSQL reads it: "?"
// becomes "$1", "$2" …; INSERT OR IGNORE becomes ON CONFLICT DO NOTHING; BEGIN IMMEDIATE,
// BEGIN. Text in quotes is left alone.
std::string postgres_statement(std::string_view sql);

// A migration as PostgreSQL reads it: 64-bit integers, identity keys, BYTEA, DOUBLE PRECISION,
// no WITHOUT ROWID, CREATE OR REPLACE VIEW.
std::string postgres_migration(std::string_view sql);

}  // namespace stablepick::store
