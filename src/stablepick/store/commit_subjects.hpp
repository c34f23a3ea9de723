#pragma once
// The stored commits by id prefix or subject, as resolve (history/resolve.hpp) looks them up.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick {

struct CommitSubject {
    std::string id;
    std::string subject;
    int64_t time = 0;  // committer date
};

// The stored commit with row `row`; nullopt when there is none.
Result<std::optional<CommitSubject>> commit_subject_of(Store& store, int64_t row);
// At most 200 commits whose id starts with `prefix`, newest first.
Result<std::vector<CommitSubject>> commits_with_id_prefix(Store& store, std::string_view prefix);
// At most 200 commits with exactly this subject, newest first.
Result<std::vector<CommitSubject>> commits_with_subject(Store& store, std::string_view subject);
// Every commit whose subject starts with `prefix` (every commit when it is empty), newest
// first: the prefix bounds a range scan on the subject index.
Result<std::vector<CommitSubject>> commits_with_subject_prefix(Store& store,
                                                               std::string_view prefix);

}  // namespace stablepick
