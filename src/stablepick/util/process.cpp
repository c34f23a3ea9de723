#include "stablepick/util/process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string_view>
#include <thread>

extern char** environ;

namespace stablepick::util {
namespace {

struct Pipe {
    int fd[2] = {-1, -1};
    ~Pipe() {
        for (int f : fd)
            if (f >= 0) ::close(f);
    }
    void close_end(int i) {
        if (fd[i] >= 0) ::close(fd[i]);
        fd[i] = -1;
    }
};

}  // namespace

Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const ProcessOptions& options) {
    if (argv.empty()) return fail(ErrorCode::kInternal, "run_process: no program");
    for (auto& a : argv)
        if (a.find('\0') != std::string::npos)
            return fail(ErrorCode::kInvalidInput,
                        fmt::format("an argument of '{}' contains a NUL byte", argv[0]));
    Pipe in, out, err;
    if (::pipe2(in.fd, O_CLOEXEC) != 0 || ::pipe2(out.fd, O_CLOEXEC) != 0 ||
        ::pipe2(err.fd, O_CLOEXEC) != 0)
        return fail(ErrorCode::kIo, fmt::format("cannot create pipes: {}", std::strerror(errno)));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (options.input.empty())  // nothing to say: stdin is /dev/null, as for a daemon
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    else
        posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        bool replaced = false;  // extra_env wins over an inherited variable of the same name
        for (auto& extra : options.extra_env)
            replaced |= entry.substr(0, entry.find('=') + 1) ==
                        std::string_view(extra).substr(0, extra.find('=') + 1);
        auto name = entry.substr(0, entry.find('='));
        bool dropped = std::ranges::find(options.drop_env, name) != options.drop_env.end();
        if (!replaced && !dropped) env_strings.emplace_back(entry);
    }
    for (auto& e : options.extra_env) env_strings.push_back(e);
    std::vector<char*> env;
    for (auto& e : env_strings) env.push_back(e.data());
    env.push_back(nullptr);
    // A program that exits without reading all of stdin must not kill us with SIGPIPE; the
    // child gets the default disposition back.
    static std::once_flag ignore_sigpipe;
    std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    sigset_t unblocked;  // threads of this process may block signals; the program starts clean
    sigemptyset(&unblocked);
    posix_spawnattr_setsigmask(&attr, &unblocked);
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (options.own_group) {
        posix_spawnattr_setpgroup(&attr, 0);
        flags |= POSIX_SPAWN_SETPGROUP;
    }
    posix_spawnattr_setflags(&attr, flags);
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
        return fail(ErrorCode::kUnavailable,
                    fmt::format("cannot run '{}': {}", argv[0], std::strerror(rc)));
    in.close_end(0);
    out.close_end(1);
    err.close_end(1);
    for (int f : {in.fd[1], out.fd[0], err.fd[0]})
        ::fcntl(f, F_SETFL, ::fcntl(f, F_GETFL) | O_NONBLOCK);

    ProcessResult result;
    size_t written = 0;
    if (options.input.empty()) in.close_end(1);
    auto deadline = std::chrono::steady_clock::now() + options.timeout;
    bool timed_out = false;
    char buffer[65536];
    while (out.fd[0] >= 0 || err.fd[0] >= 0) {
        // Rounded up: truncated, the last fraction of a millisecond was taken for none, and a
        // run was killed up to 1 ms before its time (RunGit.KillsAGitThatRunsTooLong saw it).
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd fds[3];
        int n = 0;
        int idx_in = -1, idx_out = -1, idx_err = -1;
        if (in.fd[1] >= 0) fds[idx_in = n++] = {in.fd[1], POLLOUT, 0};
        if (out.fd[0] >= 0) fds[idx_out = n++] = {out.fd[0], POLLIN, 0};
        if (err.fd[0] >= 0) fds[idx_err = n++] = {err.fd[0], POLLIN, 0};
        int ready = ::poll(fds, n, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        if (idx_in >= 0 && fds[idx_in].revents) {
            ssize_t w =
                ::write(in.fd[1], options.input.data() + written, options.input.size() - written);
            if (w > 0) written += static_cast<size_t>(w);
            if (w < 0 && errno != EAGAIN)
                written = options.input.size();  // the program closed stdin
            if (written >= options.input.size()) in.close_end(1);
        }
        auto drain = [&](int idx, Pipe& p, std::string& into, size_t cap, bool& cut) {
            if (idx < 0 || !fds[idx].revents) return;
            ssize_t r = ::read(p.fd[0], buffer, sizeof buffer);
            if (r > 0) {
                size_t keep = std::min(static_cast<size_t>(r), cap - std::min(cap, into.size()));
                into.append(buffer, keep);
                if (keep < static_cast<size_t>(r)) cut = true;
            } else if (r == 0 || errno != EAGAIN) {
                p.close_end(0);
            }
        };
        bool err_cut = false;
        drain(idx_out, out, result.out, options.max_output_bytes, result.output_cut);
        drain(idx_err, err, result.err, 64 * 1024, err_cut);
        if (result.output_cut) break;  // enough: stop the program
    }
    int status = 0;
    auto kill_it = [&] {
        if (!options.own_group || ::kill(-pid, SIGKILL) != 0) ::kill(pid, SIGKILL);
    };
    if (timed_out || result.output_cut) {
        kill_it();
    } else {
        // Its pipes are closed, so it is exiting; still, it must not outlive the deadline.
        while (true) {
            pid_t r = ::waitpid(pid, &status, WNOHANG);
            if (r == pid) break;
            if (r < 0 && errno != EINTR) break;
            if (std::chrono::steady_clock::now() >= deadline) {
                timed_out = true;
                kill_it();
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        if (!timed_out) {
            result.exit_code = WIFEXITED(status)
                                   ? WEXITSTATUS(status)
                                   : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
            return result;
        }
    }
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out)
        return fail(ErrorCode::kUnavailable,
                    fmt::format("'{}' timed out after {} ms", argv[0], options.timeout.count()));
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status)
                                         : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return result;
}

}  // namespace stablepick::util
