#include "stablepick/util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

namespace stablepick::util {

std::optional<FileLock> FileLock::try_acquire(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return std::nullopt;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return std::nullopt;
    }
    return FileLock(fd);
}

std::expected<FileLock, std::error_code> FileLock::acquire(const std::filesystem::path& path,
                                                           std::chrono::milliseconds wait) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return std::unexpected(std::error_code(errno, std::generic_category()));
    auto deadline = std::chrono::steady_clock::now() + wait;
    // Polling, not a blocking flock with an alarm: no signal handler to install in a library.
    for (auto pause = std::chrono::milliseconds(10);;
         pause = std::min(pause * 2, std::chrono::milliseconds(200))) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return FileLock(fd);
        int err = errno;
        if ((err != EWOULDBLOCK && err != EINTR) || std::chrono::steady_clock::now() >= deadline) {
            ::close(fd);
            return std::unexpected(std::error_code(err, std::generic_category()));
        }
        std::this_thread::sleep_for(pause);
    }
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        this->~FileLock();
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

FileLock::~FileLock() {
    if (fd_ >= 0) {
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
}

}  // namespace stablepick::util
