#pragma once
// How `index` and `branches` tell which branches were taken and which were left out, and why:
// as text for a person and as JSON.
#include <nlohmann/json_fwd.hpp>

#include "stablepick/ingest/branch_choice.hpp"

namespace stablepick::cli {

// Prints the main branch, the stable branches and the branches left out, and the release
// tags. `every`: one line per branch with its reason; otherwise the stable branches on one
// line and, past a few, the left-out ones counted by reason.
void print_branch_choice(const git::BranchSet& set, bool every);

nlohmann::json branch_choice_json(const git::BranchSet& set);

}  // namespace stablepick::cli
