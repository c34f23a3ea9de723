#pragma once
// The backports table (backport labels) as the ChangeLog import reads and adds to it, each a
// named operation so no stage writes SQL.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <string>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

// Whether a label says `main_id` (full id) was backported to `branch`, by any method.
Result<bool> has_label(Store& store, const std::string& main_id, const std::string& branch);

// Stores `label` unless it is already there; whether it was new. REQUIRES: a store opened for
// writing.
Result<bool> add_label_if_new(Store& store, const BackportLabel& label);

}  // namespace stablepick::store
