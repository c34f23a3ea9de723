#pragma once
// The per-tree checks in the words a maintainer (and an LLM voter) reads: one line per tree,
// commits as "<id12> ("subject")". The table, the mails and the prompts say the same.
#include <string>
#include <vector>

#include "stablepick/stable/target_checks.hpp"

namespace stablepick::stable {

// `abc123def456 ("subject"), …`
std::string short_refs(const std::vector<CommitRef>& refs);

// "v254-stable: applies cleanly; needs first: …", or why it is not for that tree.
std::string tree_line(const TreeCheck& check);

}  // namespace stablepick::stable
