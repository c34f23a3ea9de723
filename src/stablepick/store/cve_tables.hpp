#pragma once
// The CVE tables (cves, cve_status, cve_ranges, cve_vulnerable): what the CVE imports store and
// what the CVE questions read of them, each a named operation so no stage writes SQL.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

// Every CVE recorded with `id` (full id) as its fix, rejected ones too, in id order.
Result<std::vector<std::string>> cves_recorded_for_fix(Store& store, const std::string& id);

// The status recorded for `cve` ("published", "rejected", ...); empty when none is.
Result<std::string> cve_status_of(Store& store, const std::string& cve);

// The fixes (full ids) the imported lists name for `cve`, in id order.
Result<std::vector<std::string>> fixes_listed_for(Store& store, const std::string& cve);

}  // namespace stablepick::store
