#include "stablepick/store/cve_tables.hpp"

#include "stablepick/store/rows.hpp"

namespace stablepick::store {

Result<std::vector<std::string>> cves_recorded_for_fix(Store& store, const std::string& id) {
    return texts(store.db(), "SELECT cve FROM cves WHERE fix_sha = ? ORDER BY cve",
                 std::vector<std::string>{id}, "read CVEs");
}

}  // namespace stablepick::store
