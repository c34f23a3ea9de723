#pragma once
// Reading rows without writing the step loop each time: a query, its arguments, and what to
// do with each row. Errors name what was being done (Store::error).
#include <string_view>
#include <vector>

#include "stablepick/store/sql.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::store {

// Runs `sql` with `args` bound in order and calls `each(statement)` for every row.
template <typename Arg, typename F>
Status for_each_row(Connection& db, std::string_view sql, const std::vector<Arg>& args,
                    std::string_view doing, F&& each) {
    auto q = db.prepare(sql);
    if (!q) return std::unexpected(Store::error(q.error(), doing));
    for (size_t a = 0; a < args.size(); ++a) q->bind(static_cast<int>(a + 1), args[a]);
    while (true) {
        auto r = q->step();
        if (!r) return std::unexpected(Store::error(r.error(), doing));
        if (!*r) return {};
        each(*q);
    }
}

// The first column of every row, as text.
template <typename Arg>
Result<std::vector<std::string>> texts(Connection& db, std::string_view sql,
                                       const std::vector<Arg>& args, std::string_view doing) {
    std::vector<std::string> out;
    auto st = for_each_row(db, sql, args, doing, [&](Statement& q) { out.push_back(q.text(0)); });
    if (!st) return std::unexpected(st.error());
    return out;
}

}  // namespace stablepick::store
