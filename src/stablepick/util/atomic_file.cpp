#include "stablepick/util/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace stablepick::util {
namespace fs = std::filesystem;
namespace {

std::unexpected<Error> io_error(std::string_view doing, const fs::path& path, int err) {
    return fail(ErrorCode::kIo,
                fmt::format("cannot {} '{}': {}", doing, path.string(), std::strerror(err)));
}

// Writes all of `text` to `fd` and syncs it; errno on failure (ENOSPC on a full disk).
int write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        text.remove_prefix(static_cast<size_t>(n));
    }
    return ::fsync(fd) == 0 ? 0 : errno;
}

// Writes one file (which must not exist yet), removing it again when it fails.
Status write_new_file(const fs::path& path, std::string_view text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("write", path, errno);
    int err = write_all(fd, text);
    if (::close(fd) != 0 && err == 0) err = errno;
    if (err == 0) return {};
    ::unlink(path.c_str());
    return io_error("write", path, err);
}

// The directory `path` goes into must exist: a missing one is a mistyped path (kNotFound),
// a file in its place is the system's refusal (kIo), as mkdir says ENOTDIR.
Status check_parent(const fs::path& path, std::string_view doing) {
    fs::path parent = fs::absolute(path).parent_path();
    std::error_code ec;
    if (fs::is_directory(parent, ec)) return {};
    if (fs::exists(parent, ec))
        return fail(ErrorCode::kIo, fmt::format("cannot {} '{}': '{}' is not a directory", doing,
                                                path.string(), parent.string()));
    return fail(ErrorCode::kNotFound,
                fmt::format("cannot {} '{}': the directory '{}' does not exist", doing,
                            path.string(), parent.string()));
}

// ".NAME.stablepick-PID" beside `dir`: where a run prepares the new content.
std::string staging_prefix(const fs::path& dir) {
    return fmt::format(".{}.stablepick-", dir.filename().string());
}

// Staging directories of runs that are no longer alive (killed before they cleaned up).
void remove_stale_staging(const fs::path& dir) {
    std::error_code ec;
    std::string prefix = staging_prefix(dir);
    for (auto& entry : fs::directory_iterator(dir.parent_path(), ec)) {
        std::string name = entry.path().filename().string();
        if (!name.starts_with(prefix)) continue;
        std::string pid_text = name.substr(prefix.size());
        if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos)
            continue;
        pid_t pid = static_cast<pid_t>(std::stol(pid_text));
        if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
        fs::remove_all(entry.path(), ec);
    }
}

}  // namespace

Status write_file_atomically(const fs::path& path, std::string_view text) {
    if (auto st = check_parent(path, "write"); !st) return st;
    fs::path tmp = path;
    tmp += fmt::format(".tmp-{}", ::getpid());
    std::error_code ec;
    fs::remove(tmp, ec);  // left by a killed run with the same pid
    if (auto st = write_new_file(tmp, text); !st) return st;
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return io_error("write", path, err);
    }
    return {};
}

Status make_directory(const fs::path& dir) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return {};
    if (fs::exists(dir, ec))
        return fail(ErrorCode::kIo, fmt::format("'{}' is not a directory", dir.string()));
    if (auto st = check_parent(dir, "create"); !st) return st;
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return io_error("create", dir, errno);
    return {};
}

Status replace_directory(const fs::path& given,
                         const std::vector<std::pair<std::string, std::string>>& files,
                         const std::function<bool(const std::string&)>& replaceable) {
    fs::path dir = fs::absolute(given);
    std::error_code ec;
    bool exists = fs::exists(dir, ec);
    if (exists && !fs::is_directory(dir, ec))
        return fail(ErrorCode::kIo, fmt::format("'{}' is not a directory", given.string()));
    if (auto st = check_parent(dir, "create"); !st) return st;
    if (exists) {
        for (auto& entry : fs::directory_iterator(dir, ec)) {
            std::string name = entry.path().filename().string();
            if (!entry.is_regular_file(ec) || !replaceable(name))
                return fail(ErrorCode::kInvalidInput,
                            fmt::format("'{}' holds '{}', which stablepick did not write: give "
                                        "a new or empty directory",
                                        given.string(), name));
        }
    }
    remove_stale_staging(dir);
    fs::path staging = dir.parent_path() / fmt::format("{}{}", staging_prefix(dir), ::getpid());
    fs::remove_all(staging, ec);
    if (::mkdir(staging.c_str(), 0755) != 0) return io_error("create", staging, errno);
    auto abandon = [&](Status st) {
        fs::remove_all(staging, ec);
        return st;
    };
    for (auto& [name, text] : files)
        if (auto st = write_new_file(staging / name, text); !st) return abandon(st);
    if (!exists) {
        // Two runs may both find it missing: the one that comes second exchanges instead.
        if (::rename(staging.c_str(), dir.c_str()) == 0) return {};
        if (errno != EEXIST && errno != ENOTEMPTY) return abandon(io_error("create", given, errno));
    }
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) != 0)
        return abandon(io_error("replace", given, errno));
    fs::remove_all(staging, ec);  // now the old content; a kill here leaves it for the next run
    return {};
}

Status write_files_together(const fs::path& dir,
                            const std::vector<std::pair<std::string, std::string>>& files) {
    // Only the last part of the path is made: a mistyped path is not created whole.
    if (auto st = make_directory(dir); !st) return st;
    std::error_code ec;
    std::vector<fs::path> temps;
    auto cleanup = [&] {
        for (auto& t : temps) fs::remove(t, ec);
    };
    for (auto& [name, text] : files) {
        auto tmp = dir / (name + ".tmp");
        temps.push_back(tmp);
        std::ofstream out(tmp, std::ios::binary);
        if (!(out << text) || !out.flush()) {
            cleanup();
            return fail(ErrorCode::kIo, fmt::format("cannot write '{}'", (dir / name).string()));
        }
    }
    for (size_t i = 0; i < files.size(); ++i) {
        fs::rename(temps[i], dir / files[i].first, ec);
        if (ec) {
            cleanup();
            return fail(ErrorCode::kIo, fmt::format("cannot write '{}': {}",
                                                    (dir / files[i].first).string(), ec.message()));
        }
    }
    return {};
}

}  // namespace stablepick::util
