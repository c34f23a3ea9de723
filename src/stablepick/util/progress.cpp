#include "stablepick/util/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace stablepick::util {

Progress::Progress(std::string label, int64_t total, bool quiet, std::FILE* out)
    : label_(std::move(label)),
      total_(total),
      quiet_(quiet),
      tty_(isatty(fileno(out)) != 0),
      out_(out),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
    if (!finished_) finish();
}

void Progress::advance(int64_t n) {
    done_ += n;
    auto now = std::chrono::steady_clock::now();
    // A terminal redraws often; a log file gets a line every ten seconds at most.
    auto interval = tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10000);
    if (now - last_draw_ >= interval) {
        last_draw_ = now;
        draw(false);
    }
}

void Progress::finish() {
    if (finished_) return;
    finished_ = true;
    if (std::chrono::steady_clock::now() - start_ >= std::chrono::seconds(1)) draw(true);
}

void Progress::draw(bool final) {
    if (quiet_) return;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double rate = secs > 0 ? done_ / secs : 0;
    std::string eta;
    if (!final && total_ > 0 && rate > 0)
        eta = fmt::format(" eta {:.0f}s", (total_ - done_) / rate);
    std::string counts =
        total_ > 0 ? fmt::format("{}/{}", done_, total_) : fmt::format("{}", done_);
    if (tty_) {
        std::string bar;
        if (total_ > 0) {
            int width = 30;
            int filled = static_cast<int>(width * std::min<double>(1.0, double(done_) / total_));
            bar = "[" + std::string(filled, '#') + std::string(width - filled, ' ') + "] ";
        }
        fmt::print(out_, "\r{}: {}{} {:.0f}/s{}\x1b[K{}", label_, bar, counts, rate, eta,
                   final ? "\n" : "");
    } else {
        fmt::print(out_, "{}: {} {:.0f}/s{}{}\n", label_, counts, rate, eta,
                   final ? fmt::format(" done in {:.1f}s", secs) : "");
    }
    std::fflush(out_);
}

}  // namespace stablepick::util
