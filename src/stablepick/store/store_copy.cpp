#include "stablepick/store/store_copy.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "stablepick/store/migrations.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {
namespace {

Status copy_table(Connection& from, Connection& to, const std::string& table, CopyCounts& counts,
                  const std::function<void(std::string_view, int64_t)>& progress) {
    auto doing = fmt::format("copy table {}", table);
    auto read = from.prepare(fmt::format("SELECT * FROM {}", table));
    if (!read) return std::unexpected(Store::error(read.error(), doing));
    std::optional<Statement> write;
    int64_t rows = 0;
    while (true) {
        auto row = read->step();
        if (!row) return std::unexpected(Store::error(row.error(), doing));
        if (!*row) break;
        int columns = read->column_count();
        if (!write) {
            // Columns by name: the two stores made the same tables, but not necessarily with
            // the columns in the same order.
            std::vector<std::string> names;
            for (int c = 0; c < columns; ++c) names.push_back(read->column_name(c));
            auto w = to.prepare(fmt::format(
                "INSERT INTO {}({}) VALUES({})", table, fmt::join(names, ", "),
                fmt::join(std::vector<std::string>(static_cast<size_t>(columns), "?"), ", ")));
            if (!w) return std::unexpected(Store::error(w.error(), doing));
            write.emplace(std::move(*w));
        }
        for (int c = 0; c < columns; ++c) {
            switch (read->type(c)) {
                case ValueType::kNull:
                    write->bind_null(c + 1);
                    break;
                case ValueType::kInteger:
                    write->bind(c + 1, read->int64(c));
                    break;
                case ValueType::kReal:
                    write->bind(c + 1, read->real(c));
                    break;
                case ValueType::kText:
                    write->bind(c + 1, read->text(c));
                    break;
                case ValueType::kBlob:
                    write->bind_blob(c + 1, read->blob(c));
                    break;
            }
        }
        if (auto r = write->run(); !r) return std::unexpected(Store::error(r.error(), doing));
        ++rows;
        if (progress && rows % 100000 == 0) progress(table, rows);
    }
    counts.rows += rows;
    ++counts.tables;
    if (progress) progress(table, rows);
    return {};
}

}  // namespace

Result<CopyCounts> copy_store(Store& from, Store& to,
                              const std::function<void(std::string_view, int64_t)>& progress) {
    auto& source = connection_of(from);
    auto& target = connection_of(to);
    for (auto& table : schema_tables()) {
        auto q = target.prepare(fmt::format("SELECT 1 FROM {} LIMIT 1", table));
        if (!q) return std::unexpected(Store::error(q.error(), "read the target store"));
        auto row = q->step();
        if (!row) return std::unexpected(Store::error(row.error(), "read the target store"));
        if (*row)
            return fail(ErrorCode::kInvalidInput,
                        fmt::format("store '{}' is not empty (table {} has rows): copy into a new "
                                    "store",
                                    to.url(), table));
    }
    CopyCounts counts;
    if (auto r = to.begin(); !r) return std::unexpected(r.error());
    for (auto& table : schema_tables()) {
        if (auto r = copy_table(source, target, table, counts, progress); !r) {
            to.rollback();
            return std::unexpected(r.error());
        }
    }
    // Row ids were copied as they were: the next one a backend hands out must follow them.
    if (auto r = target.catch_up_row_ids(); !r) {
        to.rollback();
        return std::unexpected(Store::error(r.error(), "copy the store"));
    }
    if (auto r = to.commit(); !r) return std::unexpected(r.error());
    return counts;
}

}  // namespace stablepick::store
