#include "stablepick/store/postgres_backend.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stablepick/store/migrations.hpp"

namespace stablepick::store {
namespace {

// PostgreSQL's type ids of the parameters stablepick binds (pg_type.h).
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kByteaOid = 17;

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Calls `outside(i)` for every index of `sql` that is not inside a quoted string or name,
// which returns how many characters it consumed (0: copy the character as it is).
template <typename F>
std::string rewrite_outside_quotes(std::string_view sql, F&& outside) {
    std::string out;
    out.reserve(sql.size() + 16);
    char quote = 0;
    for (size_t i = 0; i < sql.size();) {
        char c = sql[i];
        if (quote) {
            out += c;
            if (c == quote) quote = 0;  // '' inside a string closes and reopens: same result
            ++i;
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            out += c;
            ++i;
            continue;
        }
        size_t used = outside(i, out);
        if (used == 0) {
            out += c;
            used = 1;
        }
        i += used;
    }
    return out;
}

// Whether `word` starts at `i` of `sql` as a whole word.
bool word_at(std::string_view sql, size_t i, std::string_view word) {
    if (sql.substr(i, word.size()) != word) return false;
    if (i > 0 && is_word_char(sql[i - 1])) return false;
    size_t end = i + word.size();
    return end >= sql.size() || !is_word_char(sql[end]);
}

// Column names SQLite takes bare and PostgreSQL reserves.
constexpr std::string_view kReservedColumns[] = {"binary"};

size_t quote_reserved(std::string_view sql, size_t i, std::string& out) {
    for (auto name : kReservedColumns) {
        if (word_at(sql, i, name)) {
            out += fmt::format("\"{}\"", name);
            return name.size();
        }
    }
    return 0;
}

// The digits of a numbered parameter ("?12") after the '?' at `i`: how many characters it takes
// (1 for a bare "?") and its number (0 for a bare "?").
std::pair<size_t, int> parameter_at(std::string_view sql, size_t i) {
    size_t used = 1;
    int number = 0;
    while (i + used < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + used])))
        number = number * 10 + (sql[i + used++] - '0');
    return {used, number};
}

std::string trim_space(std::string text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    size_t start = 0;
    while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
    return text.substr(start);
}

std::string trim_end(std::string text) {
    while (!text.empty() &&
           (std::isspace(static_cast<unsigned char>(text.back())) || text.back() == ';'))
        text.pop_back();
    return text;
}

SqlError pg_error(ErrorCode code, std::string message) {
    return SqlError{code, trim_space(std::move(message))};
}

// The code a caller can act on, from the SQLSTATE of a failed statement.
ErrorCode code_of(const PGresult* result, const PGconn* conn) {
    if (PQstatus(conn) != CONNECTION_OK) return ErrorCode::kUnavailable;
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (!state) return ErrorCode::kIo;
    std::string_view s(state);
    if (s.starts_with("08") || s.starts_with("57") || s.starts_with("40") || s == "55P03" ||
        s == "53300")
        return ErrorCode::kUnavailable;  // connection lost, shut down, deadlock, lock, too many
    if (s == "XX001" || s == "XX002") return ErrorCode::kCorrupt;
    return ErrorCode::kIo;
}

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;

// What the connection and its statements share: the last statement's row count.
struct Session {
    ConnPtr conn;
    int changes = 0;
};

class PostgresStatement final : public StatementBackend {
  public:
    PostgresStatement(Session& session, std::string sql, int parameters)
        : session_(session), sql_(std::move(sql)), params_(static_cast<size_t>(parameters)) {}

    void bind_int64(int i, int64_t v) override { set(i, std::to_string(v), kInt8Oid, 0); }
    void bind_real(int i, double v) override { set(i, fmt::format("{}", v), kFloat8Oid, 0); }
    void bind_text(int i, std::string_view v) override { set(i, std::string(v), kTextOid, 0); }
    void bind_blob(int i, std::string_view v) override { set(i, std::string(v), kByteaOid, 1); }
    void bind_null(int i) override {
        if (auto* p = param(i)) *p = Param{};
        result_.reset();
    }

    std::expected<bool, SqlError> step() override {
        if (!result_ || done_) {
            if (auto r = execute(); !r) return std::unexpected(r.error());
        }
        if (row_ + 1 < PQntuples(result_.get())) {
            ++row_;
            decoded_.clear();
            return true;
        }
        done_ = true;
        return false;
    }
    std::expected<void, SqlError> run() override {
        auto r = execute();
        result_.reset();
        if (!r) return std::unexpected(r.error());
        return {};
    }
    void reset() override {
        result_.reset();
        decoded_.clear();
    }

    int64_t int64(int col) const override {
        if (is_null(col)) return 0;
        const char* v = PQgetvalue(result_.get(), row_, col);
        if (v[0] == 't' && v[1] == 0) return 1;  // a boolean, as SQLite's 0/1
        if (v[0] == 'f' && v[1] == 0) return 0;
        int64_t out = 0;
        std::string_view text(v);
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
        if (ec == std::errc() && end != text.data() + text.size() && *end == '.')
            return static_cast<int64_t>(std::strtod(v, nullptr));  // NUMERIC of an aggregate
        return out;
    }
    double real(int col) const override {
        if (is_null(col)) return 0;
        const char* v = PQgetvalue(result_.get(), row_, col);
        if (v[0] == 't' && v[1] == 0) return 1;
        return std::strtod(v, nullptr);
    }
    bool is_null(int col) const override {
        return !result_ || PQgetisnull(result_.get(), row_, col) != 0;
    }
    std::string text(int col) const override {
        if (is_null(col)) return {};
        if (PQftype(result_.get(), col) == kByteaOid) return std::string(blob(col));
        return std::string(PQgetvalue(result_.get(), row_, col),
                           static_cast<size_t>(PQgetlength(result_.get(), row_, col)));
    }
    std::string_view blob(int col) const override {
        if (is_null(col)) return {};
        const char* v = PQgetvalue(result_.get(), row_, col);
        auto length = static_cast<size_t>(PQgetlength(result_.get(), row_, col));
        if (PQftype(result_.get(), col) != kByteaOid) return {v, length};
        // Text results carry BYTEA as "\x" and hex digits; decoded once per row and column.
        auto& slot = decoded_[col];
        if (!slot) {
            std::string bytes;
            if (length >= 2 && v[0] == '\\' && v[1] == 'x') {
                bytes.reserve((length - 2) / 2);
                auto nibble = [](char h) { return h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10; };
                for (size_t i = 2; i + 1 < length; i += 2)
                    bytes += static_cast<char>(nibble(v[i]) << 4 | nibble(v[i + 1]));
            }
            slot = std::move(bytes);
        }
        return *slot;
    }
    int parameter_count() const override { return static_cast<int>(params_.size()); }
    int column_count() const override { return result_ ? PQnfields(result_.get()) : 0; }
    std::string column_name(int col) const override {
        const char* name = result_ ? PQfname(result_.get(), col) : nullptr;
        return name ? name : "";
    }
    ValueType type(int col) const override {
        if (is_null(col)) return ValueType::kNull;
        switch (PQftype(result_.get(), col)) {
            case 16:  // bool
            case 20:  // int8
            case 21:  // int2
            case 23:  // int4
                return ValueType::kInteger;
            case 700:   // float4
            case 701:   // float8
            case 1700:  // numeric
                return ValueType::kReal;
            case kByteaOid:
                return ValueType::kBlob;
            default:
                return ValueType::kText;
        }
    }

  private:
    struct Param {
        std::optional<std::string> value;
        Oid type = 0;  // 0 (NULL): the server infers it from where it is used
        int format = 0;
    };

    Param* param(int i) {
        if (i < 1 || static_cast<size_t>(i) > params_.size()) return nullptr;
        return &params_[static_cast<size_t>(i - 1)];
    }
    void set(int i, std::string value, Oid type, int format) {
        if (auto* p = param(i)) *p = Param{std::move(value), type, format};
        result_.reset();  // a new binding means the statement runs again
    }

    std::expected<void, SqlError> execute() {
        std::vector<const char*> values;
        std::vector<int> lengths, formats;
        std::vector<Oid> types;
        for (auto& p : params_) {
            values.push_back(p.value ? p.value->data() : nullptr);
            lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
            formats.push_back(p.format);
            types.push_back(p.type);
        }
        PGconn* conn = session_.conn.get();
        result_.reset(PQexecParams(conn, sql_.c_str(), static_cast<int>(params_.size()),
                                   types.data(), values.data(), lengths.data(), formats.data(), 0));
        row_ = -1;
        done_ = false;
        decoded_.clear();
        auto status = result_ ? PQresultStatus(result_.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            auto e = pg_error(code_of(result_.get(), conn), PQerrorMessage(conn));
            result_.reset();
            return std::unexpected(e);
        }
        const char* tuples = PQcmdTuples(result_.get());
        session_.changes = tuples && *tuples ? std::atoi(tuples) : 0;
        return {};
    }

    Session& session_;
    std::string sql_;
    std::vector<Param> params_;
    ResultPtr result_;
    int row_ = -1;
    bool done_ = false;
    mutable std::unordered_map<int, std::optional<std::string>> decoded_;
};

class PostgresConnection final : public Connection {
  public:
    explicit PostgresConnection(ConnPtr conn) { session_.conn = std::move(conn); }

    std::expected<void, SqlError> exec(std::string_view sql) override {
        PGconn* conn = session_.conn.get();
        ResultPtr r(PQexec(conn, postgres_statement(sql).c_str()));
        auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            return std::unexpected(pg_error(code_of(r.get(), conn), PQerrorMessage(conn)));
        const char* tuples = PQcmdTuples(r.get());
        session_.changes = tuples && *tuples ? std::atoi(tuples) : 0;
        return {};
    }
    std::expected<Statement, SqlError> prepare(std::string_view sql) override {
        // As SQLite counts them: the highest number, "?" taking the next one.
        int parameters = 0;
        rewrite_outside_quotes(sql, [&](size_t i, std::string&) -> size_t {
            if (sql[i] != '?') return 0;
            auto [used, number] = parameter_at(sql, i);
            parameters = used > 1 ? std::max(parameters, number) : parameters + 1;
            return used;
        });
        return Statement(
            std::make_unique<PostgresStatement>(session_, postgres_statement(sql), parameters));
    }
    // The identity value the last INSERT drew in this session (stablepick asks only after
    // inserting into a table with an identity key, as it asks SQLite for the rowid).
    int64_t last_insert_rowid() const override {
        ResultPtr r(PQexec(session_.conn.get(), "SELECT lastval()"));
        if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1) return 0;
        return std::strtoll(PQgetvalue(r.get(), 0, 0), nullptr, 10);
    }
    int changes() const override { return session_.changes; }
    std::expected<void, SqlError> catch_up_row_ids() override {
        PGconn* conn = session_.conn.get();
        ResultPtr r(PQexec(conn,
                           "SELECT table_name, column_name FROM information_schema.columns WHERE "
                           "table_schema = current_schema() AND is_identity = 'YES'"));
        if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK)
            return std::unexpected(pg_error(code_of(r.get(), conn), PQerrorMessage(conn)));
        for (int i = 0; i < PQntuples(r.get()); ++i) {
            std::string table = PQgetvalue(r.get(), i, 0), column = PQgetvalue(r.get(), i, 1);
            auto moved = exec(fmt::format(
                "SELECT setval(pg_get_serial_sequence('{0}', '{1}'), COALESCE(MAX({1}), 0) + 1, "
                "false) FROM {0}",
                table, column));
            if (!moved) return moved;
        }
        return {};
    }
    std::string utc_year(std::string_view unix_seconds) const override {
        return fmt::format("to_char(to_timestamp({}) AT TIME ZONE 'UTC', 'YYYY')", unix_seconds);
    }

    PGconn* raw() { return session_.conn.get(); }

  private:
    Session session_;
};

// The single text value a query returns, or nullopt (an error or no row).
std::expected<std::optional<std::string>, SqlError> query_value(PGconn* conn,
                                                                const std::string& sql) {
    ResultPtr r(PQexec(conn, sql.c_str()));
    if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK)
        return std::unexpected(pg_error(code_of(r.get(), conn), PQerrorMessage(conn)));
    if (PQntuples(r.get()) == 0 || PQgetisnull(r.get(), 0, 0)) return std::nullopt;
    return std::string(PQgetvalue(r.get(), 0, 0));
}

// Where the version of the schema is kept: PostgreSQL has no user_version.
constexpr const char* kVersionTable = "stablepick_schema";

Error failure(const SqlError& e, std::string_view doing) {
    return Store::error(e, doing);
}

Status check_objects(PGconn* conn, std::string_view where) {
    ResultPtr r(PQexec(conn,
                       "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                       "c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN "
                       "('r', 'i', 'v')"));
    if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK)
        return std::unexpected(failure(pg_error(code_of(r.get(), conn), PQerrorMessage(conn)),
                                       "read the store's tables"));
    std::set<std::string> have;
    for (int i = 0; i < PQntuples(r.get()); ++i) have.insert(PQgetvalue(r.get(), i, 0));
    std::vector<std::string> missing;
    for (auto& name : expected_schema_objects())
        if (!have.contains(name)) missing.push_back(name);
    if (missing.empty()) return {};
    return fail(
        ErrorCode::kCorrupt,
        fmt::format("store '{}': the store is damaged: {} missing ({}); restore it from "
                    "a backup or index again into a new store",
                    where, missing.size() == 1 ? "a table or index is" : "tables or indexes are",
                    fmt::join(missing, ", ")));
}

// Applies the migrations the store has not seen, one transaction each. The caller holds the
// writer's lock, so no other run migrates at the same time.
Status migrate(PostgresConnection& db, std::string_view where) {
    PGconn* conn = db.raw();
    auto exec = [&](const std::string& sql) { return db.exec(sql); };
    if (auto r = exec(
            fmt::format("CREATE TABLE IF NOT EXISTS {}(version BIGINT NOT NULL)", kVersionTable));
        !r)
        return std::unexpected(failure(r.error(), "create the store's schema"));
    auto version_text = query_value(conn, fmt::format("SELECT version FROM {}", kVersionTable));
    if (!version_text) return std::unexpected(failure(version_text.error(), "read the schema"));
    int64_t version = *version_text ? std::strtoll((*version_text)->c_str(), nullptr, 10) : 0;
    if (version > kSchemaVersion)
        return fail(ErrorCode::kCorrupt,
                    fmt::format("store '{}' has schema version {}, newer than this stablepick "
                                "({}): upgrade stablepick",
                                where, version, kSchemaVersion));
    auto all = migrations();
    for (auto v = static_cast<size_t>(version); v < all.size(); ++v) {
        std::string sql =
            fmt::format("BEGIN;\n{}\n{};\nCOMMIT;", postgres_migration(all[v]),
                        v == 0 ? fmt::format("INSERT INTO {} VALUES(1)", kVersionTable)
                               : fmt::format("UPDATE {} SET version = {}", kVersionTable, v + 1));
        if (auto r = exec(sql); !r) {
            (void)exec("ROLLBACK");
            return std::unexpected(failure(r.error(), fmt::format("migrate store '{}' to schema "
                                                                  "{}",
                                                                  where, v + 1)));
        }
    }
    return check_objects(conn, where);
}

// A new store may name a schema that is not there yet (search_path in the URL): the first
// schema of the search path is made, so "?options=-csearch_path%3Dteam" is all it takes.
Status ensure_schema(PostgresConnection& db) {
    PGconn* conn = db.raw();
    auto current = query_value(conn, "SELECT current_schema()");
    if (!current) return std::unexpected(failure(current.error(), "open the store"));
    if (*current) return {};
    auto path = query_value(conn, "SHOW search_path");
    if (!path) return std::unexpected(failure(path.error(), "open the store"));
    std::string first = trim_space(*path ? (*path)->substr(0, (*path)->find(',')) : "");
    if (first.size() >= 2 && first.front() == '"' && first.back() == '"')
        first = first.substr(1, first.size() - 2);
    if (first.empty() || first == "$user")
        return fail(ErrorCode::kInvalidInput,
                    "the store's search_path names no schema to create the tables in");
    char* quoted = PQescapeIdentifier(conn, first.data(), first.size());
    if (!quoted) return fail(ErrorCode::kInvalidInput, fmt::format("bad schema name '{}'", first));
    std::string name(quoted);
    PQfreemem(quoted);
    if (auto r = db.exec(fmt::format("CREATE SCHEMA IF NOT EXISTS {}", name)); !r)
        return std::unexpected(failure(r.error(), fmt::format("create schema {}", name)));
    return {};
}

// Whether the URL carries a password (user:password@, or password=): such a URL is refused, so
// no store URL that is printed or recorded holds one.
bool holds_password(std::string_view url) {
    size_t start = url.find("://");
    if (start == std::string_view::npos) return false;
    std::string_view rest = url.substr(start + 3);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
    size_t at = authority.rfind('@');
    if (at != std::string_view::npos && authority.substr(0, at).find(':') != std::string_view::npos)
        return true;
    size_t query = rest.find('?');
    return query != std::string_view::npos &&
           (rest.find("password=", query) != std::string_view::npos);
}

}  // namespace

std::string postgres_statement(std::string_view sql) {
    int n = 0;
    bool ignore = false;
    std::string out = rewrite_outside_quotes(sql, [&](size_t i, std::string& o) -> size_t {
        if (sql[i] == '?') {
            // "?3" is parameter 3 as SQLite numbers it; a bare "?" takes the next number.
            if (auto [used, number] = parameter_at(sql, i); used > 1) {
                o += fmt::format("${}", number);
                return used;
            }
            o += fmt::format("${}", ++n);
            return 1;
        }
        if (word_at(sql, i, "INSERT OR IGNORE INTO")) {
            ignore = true;
            o += "INSERT INTO";
            return 21;
        }
        if ((sql[i] == 'x' || sql[i] == 'X') && i + 1 < sql.size() && sql[i + 1] == '\'' &&
            (i == 0 || !is_word_char(sql[i - 1]))) {
            // A blob literal, X'0aff', is BYTEA's '\x0aff'.
            size_t end = sql.find('\'', i + 2);
            if (end != std::string_view::npos) {
                o += fmt::format("'\\x{}'::bytea", sql.substr(i + 2, end - i - 2));
                return end + 1 - i;
            }
        }
        if (word_at(sql, i, "BEGIN IMMEDIATE")) {
            o += "BEGIN";
            return 15;
        }
        return quote_reserved(sql, i, o);
    });
    if (ignore) out = trim_end(std::move(out)) + " ON CONFLICT DO NOTHING";
    return out;
}

std::string postgres_migration(std::string_view sql) {
    struct Swap {
        std::string_view from, to;
    };
    static constexpr Swap kSwaps[] = {
        {"INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
        {"INTEGER", "BIGINT"},
        {"REAL", "DOUBLE PRECISION"},
        {"BLOB", "BYTEA"},
        {"WITHOUT ROWID", ""},
        {"CREATE VIEW IF NOT EXISTS", "CREATE OR REPLACE VIEW"},
        // A B-tree entry holds at most 2,704 bytes, and a subject may be 64 KiB: subjects are
        // looked up by equality, which a hash index serves at any length.
        {"ON commits(subject)", "ON commits USING hash (subject)"},
    };
    return rewrite_outside_quotes(sql, [&](size_t i, std::string& o) -> size_t {
        for (auto& s : kSwaps) {
            if (word_at(sql, i, s.from)) {
                o += s.to;
                return s.from.size();
            }
        }
        return quote_reserved(sql, i, o);
    });
}

Result<OpenedBackend> open_postgres(std::string_view url, Store::Mode mode) {
    if (holds_password(url))
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("store URL holds a password: put it in PGPASSWORD or ~/.pgpass "
                                "instead, so it is never printed or recorded"));
    std::string where(url);
    ConnPtr conn(PQconnectdb(where.c_str()));
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        std::string why = conn ? PQerrorMessage(conn.get()) : "out of memory";
        why = trim_space(why);
        return fail(ErrorCode::kUnavailable,
                    fmt::format("cannot reach the store '{}': {}", where, why));
    }
    // Notices ("relation already exists, skipping") are not for the user.
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    auto db = std::make_unique<PostgresConnection>(std::move(conn));
    if (auto r = db->exec("SET client_min_messages = warning"); !r)
        return std::unexpected(failure(r.error(), fmt::format("open store '{}'", where)));

    if (mode == Store::Mode::kWrite) {
        if (auto r = ensure_schema(*db); !r) return std::unexpected(r.error());
        // The writer's lock: an advisory lock of this session on the store's schema, dropped
        // by the server when the connection ends, so a killed run never leaves it behind.
        // Waits as long as the SQLite backend waits for its lock file.
        const std::string lock =
            "SELECT pg_try_advisory_lock(hashtext('stablepick:' || current_schema()))";
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(5000);
        while (true) {
            auto got = query_value(db->raw(), lock);
            if (!got) return std::unexpected(failure(got.error(), "lock the store"));
            if (*got && **got == "t") break;
            if (std::chrono::steady_clock::now() >= deadline)
                return fail(ErrorCode::kUnavailable,
                            fmt::format("store '{}' is in use by another stablepick run; wait "
                                        "for it to finish",
                                        where));
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (auto r = migrate(*db, where); !r) return std::unexpected(r.error());
    } else {
        auto exists = query_value(
            db->raw(), fmt::format("SELECT to_regclass('{}') IS NOT NULL", kVersionTable));
        if (!exists) return std::unexpected(failure(exists.error(), "read the store"));
        std::expected<std::optional<std::string>, SqlError> version = std::nullopt;
        if (*exists && **exists == "t")
            version = query_value(db->raw(), fmt::format("SELECT version FROM {}", kVersionTable));
        if (!version) return std::unexpected(failure(version.error(), "read the store"));
        if (!*version)
            return fail(ErrorCode::kNotFound,
                        fmt::format("no store at '{}': run 'stablepick index' first", where));
        int64_t v = std::strtoll((*version)->c_str(), nullptr, 10);
        if (v > kSchemaVersion)
            return fail(ErrorCode::kCorrupt,
                        fmt::format("store '{}' has schema version {}, newer than this "
                                    "stablepick ({}): upgrade stablepick",
                                    where, v, kSchemaVersion));
        if (v < kSchemaVersion) {
            // An older store: migrations only add, so upgrade it under the writer's lock.
            auto upgraded = open_postgres(url, Store::Mode::kWrite);
            if (!upgraded) return std::unexpected(upgraded.error());
        } else if (auto r = check_objects(db->raw(), where); !r) {
            return std::unexpected(r.error());
        }
    }
    OpenedBackend opened;
    opened.connection = std::move(db);
    opened.url = where;
    return opened;
}

}  // namespace stablepick::store
