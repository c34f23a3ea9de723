#pragma once
// Files and directories written whole or not at all: a run killed half way, a full disk or a
// second run at the same time leaves what was there before, never a mix or a truncated file.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stablepick/core/error.hpp"

namespace stablepick::util {

// Writes `text` to `path`: to a temporary file beside it, synced to disk, then renamed over
// it. On failure the temporary file is gone and `path` is as it was. The parent directory
// must exist (a mistyped path is not created).
Status write_file_atomically(const std::filesystem::path& path, std::string_view text);

// Creates `dir` if it is missing; its parent must exist. kNotFound when it does not, kIo when
// `dir` is a file or cannot be made.
Status make_directory(const std::filesystem::path& dir);

// Writes `files` (name, content) into `dir`, which is created when missing (its parent must
// exist): each goes to a temporary name first and all are renamed into place only when every
// one was written, so a full disk leaves none of them; a failed rename removes the files not
// yet renamed. Files of other names in `dir` are left alone.
Status write_files_together(const std::filesystem::path& dir,
                            const std::vector<std::pair<std::string, std::string>>& files);

// Makes `dir` hold exactly `files` (name, content), replacing what it held in one step
// (an atomic exchange of directories), so a reader sees the old set or the new one. `dir` may
// be missing (its parent must exist); when it exists, every entry in it must be one
// `replaceable` accepts (files an earlier run wrote), else nothing is written (kInvalidInput).
// Staging directories that runs killed since left beside `dir` are removed.
Status replace_directory(const std::filesystem::path& dir,
                         const std::vector<std::pair<std::string, std::string>>& files,
                         const std::function<bool(const std::string&)>& replaceable);

}  // namespace stablepick::util
