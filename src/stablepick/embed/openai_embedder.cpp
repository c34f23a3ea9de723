#include "stablepick/embed/openai_embedder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "stablepick/core/url_scheme.hpp"

namespace stablepick {

Result<OpenAiEmbedderOptions> parse_openai_url(const std::string& url) {
    auto parsed = parse_backend_url(url, UrlKind::kEmbedder);
    if (!parsed) return std::unexpected(parsed.error());
    if (parsed->backend != Backend::kOpenAi)
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("embedder '{}': not an openai://host[:port]/model URL", url));
    OpenAiEmbedderOptions o;
    o.url = url;
    o.authority = parsed->authority();
    o.model = parsed->model;
    o.endpoint = parsed->origin() + "/v1/embeddings";
    return o;
}

std::string server_text(const CommitText& t) {
    std::string out = t.subject + "\n\n";
    size_t pos = 0;
    while (pos < t.body.size()) {
        size_t end = std::min(t.body.find('\n', pos), t.body.size());
        std::string_view line(t.body.data() + pos, end - pos);
        bool trailer = line.find(": ") != std::string_view::npos && line.find(' ') > line.find(':');
        if (!trailer) out.append(line).push_back('\n');
        pos = end + 1;
    }
    for (auto& p : t.paths) out += "file: " + p + "\n";
    out += t.diff.substr(0, 6000);
    return out;
}

std::string OpenAiEmbedder::id() const {
    return fmt::format("openai:{}/{}", options_.authority, options_.model);
}

Result<std::vector<std::vector<float>>> OpenAiEmbedder::embed(std::span<const CommitText> commits,
                                                              const FinishedVectors& finished) {
    std::vector<std::string> texts;
    texts.reserve(commits.size());
    for (auto& c : commits) texts.push_back(server_text(c));
    return embed_texts(texts, std::nullopt,
                       [&](size_t first, const std::vector<std::vector<float>>& vectors) {
                           if (finished) finished(first, vectors);
                       });
}

Result<std::vector<std::vector<float>>> OpenAiEmbedder::embed_batch(
    const std::vector<std::string>& texts) {
    nlohmann::json request{{"model", options_.model}, {"input", texts}};
    std::vector<std::string> headers{"Content-Type: application/json"};
    if (!options_.api_key.empty()) headers.push_back("Authorization: Bearer " + options_.api_key);
    util::JsonPostOptions post;
    post.who = fmt::format("embedding server '{}'", options_.endpoint);
    post.timeout = options_.timeout;
    post.max_attempts = options_.max_attempts;
    post.backoff = options_.backoff;
    post.max_retry_after = options_.max_retry_after;
    post.max_response_bytes = options_.max_response_bytes;
    if (!options_.api_key.empty()) post.secrets.push_back(options_.api_key);
    post.clock = options_.clock;
    auto response = util::post_json(options_.endpoint, request, headers, post);
    requests_ += response.requests;
    if (!response.body) return std::unexpected(response.body.error());
    auto& j = *response.body;
    auto garbage = [&](const std::string& why) {
        return fail(
            ErrorCode::kInvalidInput,
            fmt::format("embedding server '{}' answered garbage: {}", options_.endpoint, why));
    };
    if (!j.contains("data") || !j["data"].is_array()) return garbage("not an embeddings response");
    if (j["data"].size() != texts.size())
        return garbage(fmt::format("{} vectors for {} texts", j["data"].size(), texts.size()));
    std::vector<std::vector<float>> out(texts.size());
    for (size_t i = 0; i < j["data"].size(); ++i) {
        auto& item = j["data"][i];
        if (!item.is_object()) return garbage("an item without an embedding");
        size_t index = item.contains("index") && item["index"].is_number_unsigned()
                           ? item["index"].get<size_t>()
                           : i;
        if (index >= out.size() || !item.contains("embedding") || !item["embedding"].is_array() ||
            item["embedding"].empty())
            return garbage("an item without an embedding");
        std::vector<float> v;
        double norm = 0;
        for (auto& x : item["embedding"]) {
            if (!x.is_number()) return garbage("a non-numeric vector component");
            double value = x.get<double>();
            if (!std::isfinite(value) || std::abs(value) > 1e30)
                return garbage("a vector component out of range");
            v.push_back(static_cast<float>(value));
            norm += double(v.back()) * v.back();
        }
        if (norm > 0)
            for (auto& x : v) x = static_cast<float>(x / std::sqrt(norm));
        out[index] = std::move(v);
    }
    return out;
}

Result<std::vector<std::vector<float>>> OpenAiEmbedder::embed_texts(
    const std::vector<std::string>& texts, std::optional<int> expected,
    const std::function<void(size_t, const std::vector<std::vector<float>>&)>& on_batch) {
    if (!texts.empty() && !options_.unset_key_env.empty())
        return fail(ErrorCode::kNotFound,
                    fmt::format("embedder '{}': environment variable {} (its API key) is not set",
                                options_.url, options_.unset_key_env));
    if (!expected) expected = dimension_;
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
                if (!expected) expected = dimension_ = dim;
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
