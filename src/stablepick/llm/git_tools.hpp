#pragma once
// Read-only git tools an LLM voter may call to check facts for itself instead of guessing:
// git_show, git_log, git_blame, grep and read_file at a ref, and similar_commits.
//
// Each runs the `git` program directly (no shell) with arguments built from an allow-list:
// refs and paths are validated, never start with '-', and paths follow "--". Nothing a tool runs
// can write to the repository. Output is cut at ToolLimits::max_output_bytes with a visible
// marker, and a git that runs longer than ToolLimits::timeout is killed.
//
// Thread safe: call() may run concurrently.
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"

namespace stablepick::llm {

// A tool as providers describe it to a model: a name, what it does, and a JSON schema of its
// arguments (an object schema with "properties" and "required").
struct ToolSpec {
    std::string name;
    std::string description;
    nlohmann::json parameters;
};

struct ToolLimits {
    size_t max_output_bytes = 16 * 1024;
    std::chrono::milliseconds timeout{10'000};
};

class GitTools {
  public:
    // Answers similar_commits: the k past commits most like `commit`, as text for the model.
    using SimilarCommits = std::function<Result<std::string>(const std::string& commit, int k)>;

    GitTools(std::filesystem::path git_dir, ToolLimits limits, SimilarCommits similar = {});

    // The tools offered to models; similar_commits only when a SimilarCommits was given.
    std::vector<ToolSpec> specs() const;

    // Runs one tool call and returns what the model reads. Never throws: an unknown tool, bad
    // arguments or a failing git give a text starting with "error: ".
    std::string call(const std::string& name, const nlohmann::json& arguments) const;
    // The same with git's time limit cut to `timeout` when that is shorter (the voter's wall
    // time left); a similar_commits call is not timed.
    std::string call(const std::string& name, const nlohmann::json& arguments,
                     std::chrono::milliseconds timeout) const;

    const ToolLimits& limits() const { return limits_; }

  private:
    std::filesystem::path git_dir_;
    ToolLimits limits_;
    SimilarCommits similar_;
};

// Runs `git --git-dir=<git_dir> <args...>` without a shell, with stdin closed, the pager,
// external diff and textconv disabled. Returns stdout (cut at `max_output_bytes` with a marker
// line "[… output cut at N bytes …]"); kUnavailable when git cannot start, exits non-zero
// (message: its stderr's first line) or runs past `timeout` (then it is killed).
Result<std::string> run_git(const std::filesystem::path& git_dir,
                            const std::vector<std::string>& args, size_t max_output_bytes,
                            std::chrono::milliseconds timeout);

}  // namespace stablepick::llm
