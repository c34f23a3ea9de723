#pragma once
// A small HTTP client over libcurl. Thread safe: each call uses its own handle.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"

namespace stablepick::util {

struct HttpResponse {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // names in lower case
};

// POSTs `body` to `url`. Transport failures (refused, timed out, reset) are kUnavailable;
// any HTTP status is a response for the caller to judge.
Result<HttpResponse> http_post(const std::string& url, const std::string& body,
                               const std::vector<std::string>& headers,
                               std::chrono::milliseconds timeout);

}  // namespace stablepick::util
