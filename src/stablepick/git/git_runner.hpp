#pragma once
// The safe git runner: the git program started directly (no shell) on one repository, with
// nothing inherited that could point it at another repository, a pager, an external diff or
// textconv program, and with a cap on what it prints and on how long it runs. What reads the
// repository through git's own porcelain (blame, grep, an LLM's read-only tools) runs it here.
//
// Thread safe: any number of runs may go at once.
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/core/error.hpp"

namespace stablepick::git {

// What a git run gave, before the caller decides what it means.
struct GitRun {
    int exit_code = 0;
    std::string out;
    std::string err;
    bool cut = false;  // stdout passed the cap; git was then killed
};

// Runs `git --git-dir=<git_dir> <args...>` with stdin closed and the pager, signatures and
// fsmonitor off, and collects what it prints (stdout up to `max_output_bytes`). Errors only
// when git cannot start or runs past `timeout` (kUnavailable; it is then killed); a non-zero
// exit is for the caller to judge (git grep exits 1 when nothing matches).
Result<GitRun> spawn_git(const std::filesystem::path& git_dir, const std::vector<std::string>& args,
                         size_t max_output_bytes, std::chrono::milliseconds timeout);

// As spawn_git, for callers that only want stdout: cut at `max_output_bytes` with a marker
// line "[… output cut at N bytes …]"; kUnavailable when git cannot start, exits non-zero
// (message: its stderr's first line) or runs past `timeout`.
Result<std::string> run_git(const std::filesystem::path& git_dir,
                            const std::vector<std::string>& args, size_t max_output_bytes,
                            std::chrono::milliseconds timeout);

// `text` cut to at most `max_bytes` (never inside a UTF-8 sequence) and ended with the marker
// line run_git uses.
std::string with_cut_marker(std::string text, size_t max_bytes);
// `text` as it is when it fits in `max_bytes`, else with_cut_marker.
std::string cap_output(std::string text, size_t max_bytes);
// The first line of a message git printed, without the trailing spaces and full stop.
std::string first_line(std::string_view text);

}  // namespace stablepick::git
