#pragma once
// The commits a range such as "v6.1..v6.2" stands for, as `git rev-list --topo-order
// --reverse` lists them, and a file's contents at a ref.
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/git/repository.hpp"

namespace stablepick::git {

struct RangeCommit {
    std::string id;  // full id
    bool merge = false;
};

// Oldest first, parents before children. kNotFound for a range git can't resolve, saying why.
Result<std::vector<RangeCommit>> commits_in_range(const Repository& repo, const std::string& range);

// The commit where `commit` forks from (or joins) the line of `onto`: their merge base.
// kNotFound when they share no history.
Result<ObjectId> merge_base(const Repository& repo, const ObjectId& commit, const ObjectId& onto);

// The branch a commit lies on, for messages: the first branch other than `except` whose tip it
// is, else the first that contains it; "" when none does.
std::string branch_holding(const Repository& repo, const ObjectId& oid, const std::string& except);

// The blob at "ref:path"; empty when there is none.
std::string file_at(const Repository& repo, const std::string& ref, const std::string& path);

}  // namespace stablepick::git
