#pragma once
// What `queue`, `decide` and `review` share: naming a main-branch commit by a prefix, and who
// is acting.
#include <string>

#include "stablepick/core/error.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::cli {

// The full id of the main-branch commit `prefix` (at least 4 hex digits) names.
Result<std::string> main_commit(Store& store, const std::string& prefix);

// `given`, else $USER, else "unknown".
std::string acting_user(const std::string& given);

struct Context;
// `queue ignore-list [FILE]`: replaces the store's ignore list with FILE's, or prints it.
int run_ignore_list(Context& ctx, const std::string& file);
// `queue drop-list FILE --tree T`: each commit on the list is dropped for T.
int run_drop_list(Context& ctx, const std::string& file, const std::string& tree,
                  const std::string& reviewer);

}  // namespace stablepick::cli
