#include "stablepick/embed/openai_embedder.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "stablepick/util/http.hpp"

namespace stablepick {

Result<OpenAiEmbedderOptions> parse_openai_url(const std::string& url) {
    OpenAiEmbedderOptions o;
    std::string rest;
    std::string scheme = "http";
    if (url.starts_with("openai+https://")) {
        rest = url.substr(15);
        scheme = "https";
    } else if (url.starts_with("openai://")) {
        rest = url.substr(9);
    } else {
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("'{}' is not an openai://host[:port]/model URL", url));
    }
    auto slash = rest.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 >= rest.size())
        return fail(
            ErrorCode::kInvalidInput,
            fmt::format("'{}' names no host or no model: use openai://host[:port]/model", url));
    std::string host = rest.substr(0, slash);
    o.model = rest.substr(slash + 1);
    if (host.ends_with(":443")) scheme = "https";
    o.endpoint = fmt::format("{}://{}/v1/embeddings", scheme, host);
    return o;
}

std::string OpenAiEmbedder::model_id() const {
    auto host = options_.endpoint.substr(options_.endpoint.find("://") + 3);
    host = host.substr(0, host.find('/'));
    return fmt::format("openai:{}/{}", host, options_.model);
}

Result<std::vector<std::vector<float>>> OpenAiEmbedder::embed_batch(
    const std::vector<std::string>& texts) {
    nlohmann::json request{{"model", options_.model}, {"input", texts}};
    std::vector<std::string> headers{"Content-Type: application/json"};
    if (!options_.api_key.empty()) headers.push_back("Authorization: Bearer " + options_.api_key);
    std::string body = request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto delay = options_.backoff;
    Error last{ErrorCode::kUnavailable, "no attempt made"};
    for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
        ++requests_;
        auto response = util::http_post(options_.endpoint, body, headers, options_.timeout);
        bool retry = false;
        if (!response) {
            last = response.error();
            retry = true;
        } else if (response->status == 429 || response->status >= 500) {
            last =
                Error{ErrorCode::kUnavailable, fmt::format("embedding server '{}' answered HTTP {}",
                                                           options_.endpoint, response->status)};
            retry = true;
            if (auto it = response->headers.find("retry-after"); it != response->headers.end()) {
                try {
                    delay = std::max(delay, std::chrono::milliseconds(static_cast<int64_t>(
                                                std::stod(it->second) * 1000)));
                } catch (...) {
                }
            }
        } else if (response->status != 200) {
            return fail(ErrorCode::kUnavailable,
                        fmt::format("embedding server '{}' answered HTTP {}: {}", options_.endpoint,
                                    response->status, response->body.substr(0, 200)));
        } else {
            auto j = nlohmann::json::parse(response->body, nullptr, false);
            auto garbage = [&](const std::string& why) {
                return fail(ErrorCode::kInvalidInput,
                            fmt::format("embedding server '{}' answered garbage: {}",
                                        options_.endpoint, why));
            };
            if (j.is_discarded() || !j.is_object() || !j.contains("data") || !j["data"].is_array())
                return garbage("not an embeddings response");
            if (j["data"].size() != texts.size())
                return garbage(
                    fmt::format("{} vectors for {} texts", j["data"].size(), texts.size()));
            std::vector<std::vector<float>> out(texts.size());
            for (size_t i = 0; i < j["data"].size(); ++i) {
                auto& item = j["data"][i];
                size_t index = item.contains("index") && item["index"].is_number_unsigned()
                                   ? item["index"].get<size_t>()
                                   : i;
                if (index >= out.size() || !item.contains("embedding") ||
                    !item["embedding"].is_array() || item["embedding"].empty())
                    return garbage("an item without an embedding");
                std::vector<float> v;
                double norm = 0;
                for (auto& x : item["embedding"]) {
                    if (!x.is_number()) return garbage("a non-numeric vector component");
                    v.push_back(x.get<float>());
                    norm += double(v.back()) * v.back();
                }
                if (norm > 0)
                    for (auto& x : v) x = static_cast<float>(x / std::sqrt(norm));
                out[index] = std::move(v);
            }
            return out;
        }
        if (!retry || attempt == options_.max_attempts) break;
        std::this_thread::sleep_for(delay);
        delay *= 2;
    }
    last.message += fmt::format(" (after {} attempts)", options_.max_attempts);
    return std::unexpected(last);
}

Result<std::vector<std::vector<float>>> OpenAiEmbedder::embed(
    const std::vector<std::string>& texts, std::optional<int> expected,
    const std::function<void(size_t, const std::vector<std::vector<float>>&)>& on_batch) {
    std::vector<std::vector<float>> out(texts.size());
    size_t batches = (texts.size() + options_.batch_size - 1) / options_.batch_size;
    std::vector<Result<std::vector<std::vector<float>>>> results(
        batches, fail(ErrorCode::kInternal, "not sent"));
    // Batches in waves of `concurrency`, each wave handed to on_batch before the next.
    for (size_t wave = 0; wave < batches; wave += static_cast<size_t>(options_.concurrency)) {
        size_t end = std::min(batches, wave + static_cast<size_t>(options_.concurrency));
        std::vector<std::jthread> workers;
        std::mutex counting;
        for (size_t b = wave; b < end; ++b) {
            workers.emplace_back([&, b] {
                std::vector<std::string> chunk(
                    texts.begin() + b * options_.batch_size,
                    texts.begin() + std::min(texts.size(), (b + 1) * options_.batch_size));
                OpenAiEmbedder worker(options_);
                results[b] = worker.embed_batch(chunk);
                std::lock_guard lock(counting);
                requests_ += worker.requests();
            });
        }
        workers.clear();
        for (size_t b = wave; b < end; ++b) {
            if (!results[b]) return std::unexpected(results[b].error());
            for (auto& v : *results[b]) {
                int dim = static_cast<int>(v.size());
                if (!expected) expected = dim;
                if (dim != *expected)
                    return fail(
                        ErrorCode::kInvalidInput,
                        fmt::format(
                            "embedding server '{}' answered vectors of {} dimensions, expected {}",
                            options_.endpoint, dim, *expected));
            }
            if (on_batch) on_batch(b * options_.batch_size, *results[b]);
            for (size_t i = 0; i < results[b]->size(); ++i)
                out[b * options_.batch_size + i] = std::move((*results[b])[i]);
        }
    }
    return out;
}

}  // namespace stablepick
