#include "support/fixture_repo.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace stablepick::testing {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "stablepick-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

RunResult run_program(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                      const std::string& input, const std::vector<std::string>& extra_env) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
        posix_spawn_file_actions_addclose(&actions, fd);
    if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    for (auto& e : extra_env) env.push_back(e);
    std::vector<char*> envp, args;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_copy = argv;
    for (auto& a : argv_copy) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid;
    int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
    RunResult result;
    size_t written = 0;
    if (input.empty())
        close(in_pipe[1]), in_pipe[1] = -1;
    else
        fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
    bool out_open = true, err_open = true;
    char buf[65536];
    while (out_open || err_open) {
        std::vector<pollfd> fds;
        if (out_open) fds.push_back({out_pipe[0], POLLIN, 0});
        if (err_open) fds.push_back({err_pipe[0], POLLIN, 0});
        if (in_pipe[1] >= 0) fds.push_back({in_pipe[1], POLLOUT, 0});
        poll(fds.data(), fds.size(), -1);
        for (auto& p : fds) {
            if (!p.revents) continue;
            if (p.fd == in_pipe[1]) {
                ssize_t n = write(in_pipe[1], input.data() + written, input.size() - written);
                if (n > 0) written += n;
                if (n < 0 || written == input.size()) close(in_pipe[1]), in_pipe[1] = -1;
                continue;
            }
            ssize_t n = read(p.fd, buf, sizeof buf);
            if (n <= 0) {
                if (p.fd == out_pipe[0])
                    out_open = false;
                else
                    err_open = false;
            } else {
                (p.fd == out_pipe[0] ? result.out : result.err).append(buf, n);
            }
        }
    }
    if (in_pipe[1] >= 0) close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

RunResult run_stablepick(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                         const std::string& input) {
    std::vector<std::string> argv{STABLEPICK_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv, cwd, input);
}

FixtureRepo::FixtureRepo(const std::string& main_branch) {
    git({"init", "-q", "-b", main_branch});
    git({"config", "user.name", "Test Author"});
    git({"config", "user.email", "author@example.org"});
    git({"config", "commit.gpgsign", "false"});
}

std::vector<std::string> FixtureRepo::date_env() {
    std::string date = fmt::format("@{} +0000", now_);
    return {"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date, "GIT_CONFIG_NOSYSTEM=1",
            "HOME=" + path().string()};
}

std::string FixtureRepo::git(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"git"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_program(argv, path(), {}, date_env());
    if (r.exit_code != 0)
        throw std::runtime_error(
            fmt::format("git {} failed: {}{}", fmt::join(args, " "), r.out, r.err));
    while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
    return r.out;
}

void FixtureRepo::write(const std::string& file, const std::string& content) {
    auto p = path() / file;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
}

void FixtureRepo::remove(const std::string& file) {
    git({"rm", "-q", file});
}

std::string FixtureRepo::commit(const std::string& file, const std::string& content,
                                const std::string& message, int64_t epoch) {
    write(file, content);
    git({"add", file});
    return commit_all(message, epoch);
}

std::string FixtureRepo::commit_all(const std::string& message, int64_t epoch) {
    now_ = epoch ? epoch : now_ + 60;
    git({"add", "-A"});
    git({"commit", "-q", "--allow-empty", "-m", message});
    return head();
}

void FixtureRepo::checkout(const std::string& branch, bool create, const std::string& from) {
    if (create) {
        std::vector<std::string> args{"checkout", "-q", "-b", branch};
        if (!from.empty()) args.push_back(from);
        git(args);
    } else {
        git({"checkout", "-q", branch});
    }
}

std::string FixtureRepo::cherry_pick_x(const std::string& id) {
    now_ += 60;
    git({"cherry-pick", "-x", id});
    return head();
}

std::string FixtureRepo::head() {
    return git({"rev-parse", "HEAD"});
}

}  // namespace stablepick::testing
