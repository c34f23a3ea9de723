#pragma once
// An exclusive advisory lock on a file (flock), held for the object's lifetime.
// The kernel drops it when the process dies, so a killed run never leaves a stale lock.
#include <chrono>
#include <expected>
#include <filesystem>
#include <optional>
#include <system_error>

namespace stablepick::util {

class FileLock {
  public:
    // nullopt when another process holds the lock (or the file cannot be created).
    static std::optional<FileLock> try_acquire(const std::filesystem::path& path);
    // Waits up to `wait` for another holder to let go. The error says why not: EWOULDBLOCK
    // when it is still held, else why the lock file could not be opened (EACCES, ENOENT …).
    static std::expected<FileLock, std::error_code> acquire(const std::filesystem::path& path,
                                                            std::chrono::milliseconds wait);
    FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    ~FileLock();

  private:
    explicit FileLock(int fd) : fd_(fd) {}
    int fd_;
};

}  // namespace stablepick::util
