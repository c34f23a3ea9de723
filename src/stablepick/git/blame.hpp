#pragma once
// Where lines of a file came from, as `git blame --porcelain` tells it, run through the safe
// git runner (at most 8 MiB of output and 30 seconds).
//
// Thread safe: any number of blames may run at once.
#include <set>
#include <span>
#include <string>
#include <utility>

#include "stablepick/git/repository.hpp"

namespace stablepick::git {

struct BlameOrigins {
    std::set<std::string> commits;  // every commit a blamed line came from (full ids)
    // Of those, the ones blame stopped at: `since` or older (without `since`, a root commit).
    std::set<std::string> boundary;
};

// The commits that last changed `lines` (first and last line, 1-based, inclusive; only the
// first 100 ranges are looked up) of `path` as commit `at` has it, looking no further back
// than commit `since` when it is given (`git blame since..at`). kUnavailable when git cannot
// run or fails (a blob missing from a partial clone, a path `at` lacks).
Result<BlameOrigins> blame_lines(const Repository& repo, const std::string& path,
                                 std::span<const std::pair<int, int>> lines, const std::string& at,
                                 const std::string& since);

}  // namespace stablepick::git
