#pragma once
// A patch's backport verdict as the checks of other tools read it: b4 review's external check
// JSON (a list of {tool, status, summary, url, details}) and a patchwork check (state, context,
// description, target_url).
//
// The status says whether the patch and the history agree: "pass" when the ballot and the
// patch's own Cc: stable say the same, "warn" when they differ (it looks like a stable fix but
// is not tagged, or it is tagged but unlike what was backported before).
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "stablepick/review/patch_check.hpp"

namespace stablepick::report {

nlohmann::json b4_check(const review::PatchReview& patch, const std::string& url);
nlohmann::json patchwork_check(const review::PatchReview& patch, const std::string& url);

}  // namespace stablepick::report
