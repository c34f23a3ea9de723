#pragma once
// The one JSON-over-HTTP client every LLM provider and the embeddings client use: POST a JSON
// body, retry 429, 5xx, timeouts and dropped connections with exponential backoff and jitter,
// never sooner than Retry-After (seconds or an HTTP date) and never longer than a cap, never past
// a deadline; cap the response body; keep keys out of every error text.
//
// Time goes through a Clock, so tests run retries on a fake one and sleep for nothing.
//
// Thread safe: post_json() may run concurrently.
#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"

namespace stablepick::util {

class Clock {
  public:
    virtual ~Clock() = default;
    virtual std::chrono::steady_clock::time_point now() const = 0;
    // Calendar time, for Retry-After given as an HTTP date.
    virtual std::chrono::system_clock::time_point calendar_now() const = 0;
    virtual void sleep_for(std::chrono::milliseconds duration) const = 0;
};

// The machine's clocks and std::this_thread::sleep_for.
std::shared_ptr<const Clock> system_clock();

struct JsonPostOptions {
    std::string who;  // names the server in errors: "openai:gpt-4o", "embedding server '…'"
    std::chrono::milliseconds timeout{60'000};  // per request
    int max_attempts = 4;
    std::chrono::milliseconds backoff{1000};  // first retry delay, doubled each time
    double jitter = 0.25;  // each delay is stretched by a random fraction up to this
    std::chrono::milliseconds max_retry_after{60'000};
    size_t max_response_bytes = 8 * 1024 * 1024;
    // No request runs and no wait ends past this; each request's timeout is cut to what is left.
    std::optional<std::chrono::steady_clock::time_point> deadline;
    std::vector<std::string> secrets;    // redacted from every error text (the API key)
    std::shared_ptr<const Clock> clock;  // null: system_clock()
};

struct JsonPostResult {
    Result<nlohmann::json> body = fail(ErrorCode::kInternal, "no request made");
    int requests = 0;  // HTTP requests really sent, retries included
};

// POSTs `body` and reads the answer as a JSON object. Errors: kUnavailable for a transport
// failure or an HTTP status (with up to 300 characters of the body for a 4xx other than 429),
// " (after N attempts)" once retries are spent; kInvalidInput for a body that is not a JSON
// object or is longer than max_response_bytes ("response from <who> exceeds N bytes", not
// retried).
JsonPostResult post_json(const std::string& url, const nlohmann::json& body,
                         const std::vector<std::string>& headers, const JsonPostOptions& options);

// A Retry-After value (delta-seconds, possibly fractional, or an HTTP date) as a wait from
// `now`; nullopt when unreadable, negative, not finite. Huge values come back as 10^9 s, not
// as an overflowed cast; the caller caps them.
std::optional<std::chrono::milliseconds> parse_retry_after(
    const std::string& value,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// `text` with each secret, and any "Bearer …", "x-api-key: …" or "api_key": "…" value,
// replaced by "[redacted]".
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace stablepick::util
