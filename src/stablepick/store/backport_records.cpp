#include "stablepick/store/backport_records.hpp"

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {

Result<bool> has_label(Store& store, const std::string& main_id, const std::string& branch) {
    bool found = false;
    auto st = for_each_row(connection_of(store),
                           "SELECT 1 FROM backports WHERE main_sha = ? AND branch = ? LIMIT 1",
                           std::vector<std::string>{main_id, branch}, "read labels",
                           [&](Statement&) { found = true; });
    if (!st) return std::unexpected(st.error());
    return found;
}

Result<bool> add_label_if_new(Store& store, const BackportLabel& label) {
    if (auto r = store.add_label(label); !r) return std::unexpected(r.error());
    return connection_of(store).changes() > 0;
}

}  // namespace stablepick::store
