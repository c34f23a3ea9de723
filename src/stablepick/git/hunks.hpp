#pragma once
// The hunks of a commit's change to its first parent, read with libgit2: for what asks which
// lines of which files a commit changes (the tree checks' blame, the functions it touches).
#include <string>
#include <vector>

#include "stablepick/git/repository.hpp"

namespace stablepick::git {

struct DiffHunk {
    std::string header;  // "@@ -10,7 +10,8 @@ static int foo(void)\n", as the diff prints it
    int old_start = 0;   // first old line (1-based)
    int old_lines = 0;   // how many old lines it covers, context included
};

struct FileHunks {
    std::string old_path;  // for an added file, its path
    bool added = false;    // a new file: no old lines
    bool binary = false;   // the diff found it binary: no text hunks
    std::vector<DiffHunk> hunks;
};

struct CommitHunks {
    std::string parent;            // the first parent's full id; empty for a root commit
    std::vector<FileHunks> files;  // in diff order; none for a root commit
};

// The files and hunks of `commit`'s change to its first parent, with `context_lines` of context.
// Errors: the commit or its first parent cannot be read ("cannot read parent: …"), or the diff
// fails ("cannot diff: …").
Result<CommitHunks> first_parent_hunks(const Repository& repo, const ObjectId& commit,
                                       int context_lines);

}  // namespace stablepick::git
