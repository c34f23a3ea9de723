#pragma once
// Progress of a long run: a bar with rate and ETA on a terminal, a plain line every few
// seconds otherwise, nothing when quiet. Not thread safe: call from one thread.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace stablepick::util {

class Progress {
  public:
    Progress(std::string label, int64_t total, bool quiet = false, std::FILE* out = stderr);
    void advance(int64_t n = 1);
    void set_total(int64_t total) { total_ = total; }
    void finish();
    ~Progress();

  private:
    void draw(bool final);
    std::string label_;
    int64_t total_;
    int64_t done_ = 0;
    bool quiet_;
    bool tty_;
    bool finished_ = false;
    std::FILE* out_;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace stablepick::util
