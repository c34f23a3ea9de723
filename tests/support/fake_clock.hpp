#pragma once
// A clock for retry and deadline tests: sleeping moves its hands instead of waiting, and a test
// (or a scripted server or tool) may move them too. Thread safe.
#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include "stablepick/util/http_json.hpp"

namespace stablepick::testing {

class FakeClock final : public util::Clock {
  public:
    std::chrono::steady_clock::time_point now() const override {
        return std::chrono::steady_clock::time_point(std::chrono::milliseconds(elapsed_ms_.load()));
    }
    std::chrono::system_clock::time_point calendar_now() const override {
        // 2026-01-01T00:00:00Z plus whatever has "passed".
        return std::chrono::system_clock::time_point(std::chrono::seconds(1767225600) +
                                                     std::chrono::milliseconds(elapsed_ms_.load()));
    }
    void sleep_for(std::chrono::milliseconds d) const override {
        {
            std::lock_guard lock(mutex_);
            sleeps_.push_back(d);
        }
        elapsed_ms_ += d.count();
    }
    void advance(std::chrono::milliseconds d) const { elapsed_ms_ += d.count(); }
    std::chrono::milliseconds elapsed() const {
        return std::chrono::milliseconds(elapsed_ms_.load());
    }
    std::vector<std::chrono::milliseconds> sleeps() const {
        std::lock_guard lock(mutex_);
        return sleeps_;
    }

  private:
    mutable std::atomic<int64_t> elapsed_ms_ = 0;
    mutable std::mutex mutex_;
    mutable std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace stablepick::testing
