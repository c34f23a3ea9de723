#pragma once
// Moving a store to another backend (a team's PostgreSQL server) or another file: every row of
// every table, as it is, row ids included.
#include <cstdint>
#include <functional>
#include <string_view>

#include "stablepick/core/error.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::store {

struct CopyCounts {
    int64_t tables = 0;
    int64_t rows = 0;
};

// Copies `from` into `to`, which must be empty (a new store), in one transaction of `to`: a
// copy that fails leaves `to` as it was. kInvalidInput when `to` holds rows. `progress` is
// called after each table and every 100,000 rows with the table and the rows copied of it.
Result<CopyCounts> copy_store(
    Store& from, Store& to,
    const std::function<void(std::string_view table, int64_t rows)>& progress = {});

}  // namespace stablepick::store
