#pragma once
// The CVE tables (cves, cve_status, cve_ranges, cve_vulnerable): what the CVE imports store and
// what the CVE questions read of them, each a named operation so no stage writes SQL.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <cstddef>
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

// One vulnerable:fixed pair: where the bug came in and where it was fixed, on one line of
// development ("6.6.51:c03185f…:6.6.133:9a3a2ae…"; 0:0 when never fixed there).
struct CveRange {
    std::string vulnerable_version, vulnerable_sha;
    std::string fixed_version, fixed_sha;
};

struct CveRecord {
    std::string id;                       // CVE-2024-26581
    std::string status = "published";     // or "rejected"
    std::vector<std::string> fixes;       // fix commits on the main branch
    std::vector<std::string> vulnerable;  // commits that brought the bug in
    std::vector<CveRange> ranges;
};

struct CveImportCounts {
    size_t published = 0, rejected = 0, fix_commits = 0, fixes_in_store = 0, ranges = 0;
};
// Stores the records (replacing what `source` stored before), in one transaction.
Result<CveImportCounts> store_cves(Store& store, const std::vector<CveRecord>& records,
                                   const std::string& source);

// Every CVE recorded with `id` (full id) as its fix, rejected ones too, in id order.
Result<std::vector<std::string>> cves_recorded_for_fix(Store& store, const std::string& id);

// The status recorded for `cve` ("published", "rejected", ...); empty when none is.
Result<std::string> cve_status_of(Store& store, const std::string& cve);

// The fixes (full ids) the imported lists name for `cve`, in id order.
Result<std::vector<std::string>> fixes_listed_for(Store& store, const std::string& cve);

struct ListedFix {
    std::string id;
    bool from_main = false;  // a main-branch commit in the store, or the backport of one
};
// The fixes the imported lists name for `cve`, in id order, each with whether it comes from
// the main branch.
Result<std::vector<ListedFix>> fixes_listed_with_origin(Store& store, const std::string& cve);

// The commits the imported lists name as having brought in `cve`'s bug (full ids), in id order.
Result<std::vector<std::string>> vulnerable_listed_for(Store& store, const std::string& cve);

}  // namespace stablepick::store
