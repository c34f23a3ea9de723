#include "stablepick/store/cve_tables.hpp"

#include "stablepick/store/rows.hpp"

namespace stablepick::store {

Result<std::vector<std::string>> cves_recorded_for_fix(Store& store, const std::string& id) {
    return texts(store.db(), "SELECT cve FROM cves WHERE fix_sha = ? ORDER BY cve",
                 std::vector<std::string>{id}, "read CVEs");
}

Result<std::string> cve_status_of(Store& store, const std::string& cve) {
    auto status = texts(store.db(), "SELECT status FROM cve_status WHERE cve = ?",
                        std::vector<std::string>{cve}, "read CVE status");
    if (!status) return std::unexpected(status.error());
    return status->empty() ? std::string() : status->front();
}

Result<std::vector<std::string>> fixes_listed_for(Store& store, const std::string& cve) {
    return texts(store.db(), "SELECT fix_sha FROM cves WHERE cve = ? ORDER BY fix_sha",
                 std::vector<std::string>{cve}, "read CVEs");
}

}  // namespace stablepick::store
