#include "stablepick/util/http_json.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <thread>

#include "stablepick/util/http.hpp"

namespace stablepick::util {
namespace {

class SystemClock final : public Clock {
  public:
    std::chrono::steady_clock::time_point now() const override {
        return std::chrono::steady_clock::now();
    }
    std::chrono::system_clock::time_point calendar_now() const override {
        return std::chrono::system_clock::now();
    }
    void sleep_for(std::chrono::milliseconds duration) const override {
        std::this_thread::sleep_for(duration);
    }
};

// Up to 10^9 seconds: far past any cap, far below what a millisecond count can hold.
constexpr double kMaxSeconds = 1e9;

std::chrono::milliseconds with_jitter(std::chrono::milliseconds delay, double jitter) {
    if (jitter <= 0 || delay.count() <= 0) return delay;
    thread_local std::mt19937_64 random{std::random_device{}()};
    std::uniform_real_distribution<double> stretch(0, jitter);
    return delay + std::chrono::milliseconds(
                       static_cast<int64_t>(static_cast<double>(delay.count()) * stretch(random)));
}

std::string trimmed(const std::string& text) {
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    size_t last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

}  // namespace

std::shared_ptr<const Clock> system_clock() {
    static const auto clock = std::make_shared<const SystemClock>();
    return clock;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    const std::string& raw, std::chrono::system_clock::time_point now) {
    std::string value = trimmed(raw);
    if (value.empty()) return std::nullopt;
    if (std::ranges::all_of(value, [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
        })) {
        char* end = nullptr;
        double seconds = std::strtod(value.c_str(), &end);
        if (end != value.c_str() + value.size() || !std::isfinite(seconds) || seconds < 0)
            return std::nullopt;
        seconds =
            std::min(seconds, kMaxSeconds);  // checked before the cast: 1e300 must not overflow it
        return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
    }
    time_t when = curl_getdate(value.c_str(), nullptr);
    if (when < 0) return std::nullopt;
    auto now_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    double delta =
        std::clamp(static_cast<double>(when) - static_cast<double>(now_seconds), 0.0, kMaxSeconds);
    return std::chrono::milliseconds(static_cast<int64_t>(delta * 1000));
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
    for (auto& secret : secrets) {
        if (secret.empty()) continue;
        for (size_t at = 0; (at = text.find(secret, at)) != std::string::npos; at += 10)
            text.replace(at, secret.size(), "[redacted]");
    }
    // Whatever the key, a server that echoes request headers shows it after these.
    static const RE2 bearer(R"re((?i)(bearer\s+)[^\s"',;}\[\]\\]+)re");
    static const RE2 header(
        R"re((?i)((?:x-api-key|api[-_]?key|authorization)"?\s*[:=]\s*"?)[^\s"',;}\[\]\\]+)re");
    RE2::GlobalReplace(&text, bearer, R"(\1[redacted])");
    RE2::GlobalReplace(&text, header, R"(\1[redacted])");
    // "Bearer [redacted]" after authorization: would be redacted twice into nonsense; undo that.
    for (size_t at; (at = text.find("[redacted] [redacted]")) != std::string::npos;)
        text.replace(at, 21, "[redacted]");
    return text;
}

JsonPostResult post_json(const std::string& url, const nlohmann::json& body,
                         const std::vector<std::string>& headers, const JsonPostOptions& options) {
    auto clock = options.clock ? options.clock : system_clock();
    std::string payload = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto delay = options.backoff;
    auto max_delay = std::max(options.backoff, options.max_retry_after);
    JsonPostResult result;
    auto give_up = [&](ErrorCode code, std::string message) {
        result.body = fail(code, redact(std::move(message), options.secrets));
        return result;
    };
    Error last{ErrorCode::kUnavailable, "no attempt made"};
    for (int attempt = 1;; ++attempt) {
        auto timeout = options.timeout;
        if (options.deadline) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*options.deadline -
                                                                              clock->now());
            if (left <= std::chrono::milliseconds(0)) {
                if (attempt == 1)
                    return give_up(ErrorCode::kUnavailable,
                                   fmt::format("{}: no time left to ask", options.who));
                return give_up(last.code,
                               fmt::format("{} (after {} attempts; no time left for another)",
                                           last.message, result.requests));
            }
            timeout = std::min(timeout, left);
        }
        ++result.requests;
        auto response = http_post(url, payload, headers, timeout, options.max_response_bytes);
        auto wait = with_jitter(delay, options.jitter);
        if (!response) {
            if (response.error().code == ErrorCode::kInvalidInput)  // the body passed the cap
                return give_up(ErrorCode::kInvalidInput,
                               fmt::format("response from {} exceeds {} bytes", options.who,
                                           options.max_response_bytes));
            last = Error{ErrorCode::kUnavailable,
                         fmt::format("{}: {}", options.who, response.error().message)};
        } else if (response->status == 429 || response->status >= 500) {
            last = Error{ErrorCode::kUnavailable,
                         fmt::format("{} answered HTTP {}", options.who, response->status)};
            if (auto it = response->headers.find("retry-after"); it != response->headers.end())
                if (auto after = parse_retry_after(it->second, clock->calendar_now()))
                    wait = std::max(wait, std::min(*after, options.max_retry_after));
        } else if (response->status != 200) {
            return give_up(
                ErrorCode::kUnavailable,
                fmt::format(
                    "{} answered HTTP {}: {}", options.who, response->status,
                    redact(response->body.substr(0, 4096), options.secrets).substr(0, 300)));
        } else {
            auto j = nlohmann::json::parse(response->body, nullptr, false);
            if (j.is_discarded() || !j.is_object())
                return give_up(ErrorCode::kInvalidInput,
                               fmt::format("{} answered garbage: not JSON", options.who));
            result.body = std::move(j);
            return result;
        }
        if (attempt >= options.max_attempts) break;
        if (options.deadline && clock->now() + wait >= *options.deadline)
            return give_up(
                last.code,
                fmt::format("{} (after {} attempts; the next would start past the wall time)",
                            last.message, result.requests));
        clock->sleep_for(wait);
        delay = std::min(delay * 2, max_delay);
    }
    return give_up(last.code, fmt::format("{} (after {} attempts)", last.message, result.requests));
}

}  // namespace stablepick::util
