#include "stablepick/git/patch_stream.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <vector>

extern char** environ;

namespace stablepick::git {
namespace {

// Not an object id, and no diff line can equal it (every diff line starts with a marker).
constexpr std::string_view kSentinel = "\x01stablepick-end-of-commit\n";

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

}  // namespace

GitPatchStream::~GitPatchStream() {
    stop();
}

bool GitPatchStream::start() {
    static const bool sigpipe_ignored = [] {
        std::signal(SIGPIPE, SIG_IGN);  // a git that dies must not kill us mid-write
        return true;
    }();
    (void)sigpipe_ignored;
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return false;
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    // Plumbing with every output-changing setting pinned, so user config can't alter it.
    std::vector<std::string> argv{"git",
                                  "--git-dir=" + git_dir_.string(),
                                  "-c",
                                  "core.quotePath=false",
                                  "-c",
                                  "diff.noprefix=false",
                                  "-c",
                                  "diff.mnemonicPrefix=false",
                                  "diff-tree",
                                  "--stdin",
                                  "-p",
                                  "-r",
                                  "--root",
                                  "--no-renames",
                                  "--no-color",
                                  "--no-ext-diff",
                                  "--no-textconv",
                                  "--src-prefix=a/",
                                  "--dst-prefix=b/"};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int rc = posix_spawnp(&pid_, "git", &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    if (rc != 0) {
        close(in[1]);
        close(out[0]);
        pid_ = -1;
        available_ = false;
        return false;
    }
    to_git_ = in[1];
    from_git_ = out[0];
    buffer_.clear();
    return true;
}

void GitPatchStream::stop() {
    if (to_git_ >= 0) close(to_git_);
    if (from_git_ >= 0) close(from_git_);
    to_git_ = from_git_ = -1;
    if (pid_ > 0) {
        int status;
        while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
    pid_ = -1;
}

bool GitPatchStream::send(const std::string& id) {
    if (pid_ < 0 && !start()) return false;
    std::string request = id + "\n";
    request += kSentinel;
    if (!write_all(to_git_, request)) {
        stop();
        return false;
    }
    return true;
}

void GitPatchStream::queue(const std::string& id) {
    pending_.push_back(id);
    if (available_ && pid_ >= 0)
        (void)send(id);
    else if (available_ && pending_.size() == 1)
        (void)send(id);
}

std::optional<std::string> GitPatchStream::next() {
    std::string id = std::move(pending_.front());
    pending_.pop_front();
    if (!available_ || pid_ < 0) {
        // git died earlier: restart it for the requests still pending.
        if (available_ && start())
            for (auto& p : pending_)
                if (!send(p)) break;
        return std::nullopt;
    }
    // Read until the sentinel line: "<id>\n<patch>" before it, or nothing for an empty diff.
    size_t scan_from = 0;
    char chunk[1 << 16];
    while (true) {
        size_t at = buffer_.find(kSentinel, scan_from);
        if (at != std::string::npos && (at == 0 || buffer_[at - 1] == '\n')) {
            std::string out = buffer_.substr(0, at);
            buffer_.erase(0, at + kSentinel.size());
            if (out.starts_with(id)) {
                size_t nl = out.find('\n');
                out.erase(0, nl == std::string::npos ? out.size() : nl + 1);
            }
            return out;
        }
        scan_from = buffer_.size() >= kSentinel.size() ? buffer_.size() - kSentinel.size() : 0;
        ssize_t n = ::read(from_git_, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            // git died on this commit (a blob it could not read): this one goes to libgit2,
            // and a new git takes the requests after it.
            stop();
            ++failures_;
            if (start())
                for (auto& p : pending_)
                    if (!send(p)) break;
            return std::nullopt;
        }
        buffer_.append(chunk, static_cast<size_t>(n));
    }
}

}  // namespace stablepick::git
