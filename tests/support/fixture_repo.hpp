#pragma once
// Builds small git repositories for tests with fixed dates, so commit ids are reproducible
// (the idea of git's test_commit / test_tick). Uses the git command line.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace stablepick::testing {

// A fresh temporary directory, removed when the object dies.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

struct RunResult {
    int exit_code = 0;
    std::string out;  // stdout
    std::string err;  // stderr
};

// Runs a program with arguments (no shell), optional stdin text, in `cwd`.
RunResult run_program(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {},
                      const std::string& input = {},
                      const std::vector<std::string>& extra_env = {});

// Runs the stablepick binary built with the tests.
RunResult run_stablepick(const std::vector<std::string>& args,
                         const std::filesystem::path& cwd = {}, const std::string& input = {});

class FixtureRepo {
  public:
    // Initialises a repository with branch `main_branch` in a new temporary directory.
    explicit FixtureRepo(const std::string& main_branch = "main");

    const std::filesystem::path& path() const { return dir_.path(); }

    // Writes `content` to `file`, commits it with `message`, returns the new commit id.
    // Each commit is one "tick" (60 s) after the previous one, from 2020-01-01 00:00 UTC,
    // unless `epoch` is given.
    std::string commit(const std::string& file, const std::string& content,
                       const std::string& message, int64_t epoch = 0);
    // Commits whatever is staged / removes a file.
    std::string commit_all(const std::string& message, int64_t epoch = 0);
    void write(const std::string& file, const std::string& content);
    void remove(const std::string& file);

    // Runs git in the repository with the fixed dates; throws on failure.
    std::string git(const std::vector<std::string>& args);
    void checkout(const std::string& branch, bool create = false, const std::string& from = "");
    // Cherry-picks with -x (adds "(cherry picked from commit ...)"), returns the new id.
    std::string cherry_pick_x(const std::string& id);
    std::string head();
    int64_t tick() const { return now_; }

  private:
    std::vector<std::string> date_env();
    TempDir dir_;
    int64_t now_ = 1577836800;  // 2020-01-01T00:00:00Z
};

}  // namespace stablepick::testing
