#pragma once
// Commit patches from a long-lived `git diff-tree --stdin -p` process.
//
// Why not libgit2 here: on long histories git's delta-base cache makes reading every blob
// several times faster than libgit2 1.5 (systemd: 45 s for `git log -p` against about 200 CPU
// seconds through libgit2). Everything else — walking, commit metadata, missing-blob handling —
// stays with libgit2, and a commit git cannot show (a blob missing from a partial clone) is
// left to the libgit2 reader, which skips just that file.
//
// diff-tree echoes (and flushes) any input line that is not an object id, so a sentinel line
// after each commit id marks exactly where that commit's patch ends. Requests are queued
// ahead (a bounded window that always fits in the pipe, so writing never blocks) and git
// works on the next commits while the caller parses this one.
//
// Not thread safe: one GitPatchStream per thread.
#include <sys/types.h>

#include <deque>
#include <filesystem>
#include <optional>
#include <string>

namespace stablepick::git {

class GitPatchStream {
  public:
    explicit GitPatchStream(std::filesystem::path git_dir) : git_dir_(std::move(git_dir)) {}
    GitPatchStream(const GitPatchStream&) = delete;
    GitPatchStream& operator=(const GitPatchStream&) = delete;
    ~GitPatchStream();

    // Asks for the patch of commit `id`. REQUIRES: fewer than kWindow requests pending.
    void queue(const std::string& id);
    // The patch of the oldest pending request (empty for an empty diff or a merge); nullopt
    // when git could not show it (the process is restarted for the requests after it) or
    // cannot run at all. REQUIRES: a request is pending.
    std::optional<std::string> next();
    size_t pending() const { return pending_.size(); }
    static constexpr size_t kWindow = 128;  // 128 requests of 68 bytes: far below a pipe's 64 KiB

    // False once starting git has failed (not installed): callers stop asking.
    bool available() const { return available_; }
    int failures() const { return failures_; }

  private:
    bool start();
    void stop();
    bool send(const std::string& id);
    std::filesystem::path git_dir_;
    pid_t pid_ = -1;
    int to_git_ = -1;
    int from_git_ = -1;
    std::string buffer_;
    std::deque<std::string> pending_;
    bool available_ = true;
    int failures_ = 0;
};

}  // namespace stablepick::git
