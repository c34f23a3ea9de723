#pragma once
// What a store backend gives the store's parts: one connection and its prepared statements.
// Only store/ includes this header (scripts/check-layering): outside the store every read and
// write is a named operation, so a backend is added in store/ alone.
//
// Parameters are numbered from 1 and columns from 0, and SQL is written as SQLite reads it;
// a backend for another server translates what differs (placeholders, INSERT OR IGNORE).
//
// Thread safety: a Connection and its Statements belong to the thread that owns the Store.
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

// The kind of a value in a row, as SQLite's storage classes (a copy binds each as it is).
enum class ValueType { kNull, kInteger, kReal, kText, kBlob };

// One prepared statement, as a backend implements it.
class StatementBackend {
  public:
    virtual ~StatementBackend() = default;
    virtual void bind_int64(int i, int64_t v) = 0;
    virtual void bind_real(int i, double v) = 0;
    virtual void bind_text(int i, std::string_view v) = 0;
    virtual void bind_blob(int i, std::string_view v) = 0;
    virtual void bind_null(int i) = 0;
    // true: a row is ready; false: done.
    virtual std::expected<bool, SqlError> step() = 0;
    // Runs to completion and resets (for statements that return no rows).
    virtual std::expected<void, SqlError> run() = 0;
    virtual void reset() = 0;
    virtual int64_t int64(int col) const = 0;
    virtual double real(int col) const = 0;
    virtual bool is_null(int col) const = 0;
    virtual std::string text(int col) const = 0;
    // Valid until the next step() or reset().
    virtual std::string_view blob(int col) const = 0;
    virtual int parameter_count() const = 0;
    // The current row's shape: how many columns, each one's name and the kind of its value.
    virtual int column_count() const = 0;
    virtual std::string column_name(int col) const = 0;
    virtual ValueType type(int col) const = 0;
};

// A prepared statement the store's parts bind, step and read; binds chain.
class Statement {
  public:
    Statement() = default;
    explicit Statement(std::unique_ptr<StatementBackend> impl) : impl_(std::move(impl)) {}

    Statement& bind(int i, int64_t v) { return impl_->bind_int64(i, v), *this; }
    Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
    Statement& bind(int i, double v) { return impl_->bind_real(i, v), *this; }
    Statement& bind(int i, std::string_view v) { return impl_->bind_text(i, v), *this; }
    Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, const std::optional<std::string>& v) {
        return v ? bind(i, std::string_view(*v)) : bind_null(i);
    }
    Statement& bind_blob(int i, std::string_view v) { return impl_->bind_blob(i, v), *this; }
    Statement& bind_null(int i) { return impl_->bind_null(i), *this; }

    std::expected<bool, SqlError> step() { return impl_->step(); }
    std::expected<void, SqlError> run() { return impl_->run(); }
    void reset() { impl_->reset(); }

    int64_t int64(int col) const { return impl_->int64(col); }
    double real(int col) const { return impl_->real(col); }
    bool is_null(int col) const { return impl_->is_null(col); }
    std::string text(int col) const { return impl_->text(col); }
    std::string_view blob(int col) const { return impl_->blob(col); }
    int parameter_count() const { return impl_->parameter_count(); }
    int column_count() const { return impl_->column_count(); }
    std::string column_name(int col) const { return impl_->column_name(col); }
    ValueType type(int col) const { return impl_->type(col); }

  private:
    std::unique_ptr<StatementBackend> impl_;
};

// One connection to a store's database.
class Connection {
  public:
    virtual ~Connection() = default;
    // Runs one or more statements that return no rows.
    virtual std::expected<void, SqlError> exec(std::string_view sql) = 0;
    virtual std::expected<Statement, SqlError> prepare(std::string_view sql) = 0;
    // The row id the last INSERT made, and how many rows the last statement changed.
    virtual int64_t last_insert_rowid() const = 0;
    virtual int changes() const = 0;
    // What the dialects write differently, as an SQL expression: the UTC year ("2024") of a
    // time in seconds since 1970.
    virtual std::string utc_year(std::string_view unix_seconds) const = 0;
    // After rows were copied in with their row ids: makes the next id a backend hands out
    // follow them (SQLite always does; a PostgreSQL identity must be moved on).
    virtual std::expected<void, SqlError> catch_up_row_ids() = 0;
};

// The connection `store` runs its named operations over.
Connection& connection_of(Store& store);

}  // namespace stablepick::store
