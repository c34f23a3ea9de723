#pragma once
// Small reads of a repository that commands need: a commit's message, a remote's URL, the
// files of a directory at a ref, some files of a commit's tree.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/git/repository.hpp"

namespace stablepick::git {

// The full message of commit `oid` (subject, blank line, body), as stored.
Result<std::string> commit_message(const Repository& repo, const ObjectId& oid);

// The URL of remote `name`; empty when there is no such remote or it has no URL.
std::string remote_url(const Repository& repo, std::string_view name);

struct DirectoryFile {
    std::string name;                    // the file's name in the directory
    std::optional<std::string> content;  // nullopt when its blob cannot be read (missing?)
};

// The files (blobs, not subdirectories) directly in `ref:dir` whose names start with
// `name_prefix`, in tree order. kNotFound when `ref:dir` is not a directory.
Result<std::vector<DirectoryFile>> files_in_directory(const Repository& repo, std::string_view ref,
                                                      std::string_view dir,
                                                      std::string_view name_prefix);

struct TreeFile {
    std::string path;
    bool present = false;                // the tree has something at `path`
    std::optional<std::string> content;  // its blob; nullopt when absent or not readable as one
};

// The files at `paths` in commit `commit`'s tree, one for each path, in order. `what` names the
// commit in the error when it cannot be read ("cannot read <what>: …").
Result<std::vector<TreeFile>> files_at_commit(const Repository& repo, const ObjectId& commit,
                                              const std::vector<std::string>& paths,
                                              std::string_view what);

}  // namespace stablepick::git
