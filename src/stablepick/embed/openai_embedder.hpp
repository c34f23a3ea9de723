#pragma once
// Embeddings from any OpenAI-compatible /v1/embeddings server (OpenAI, Ollama, llama.cpp
// server, vLLM, TEI), named by URL as the chat providers are, through the one table of
// core/url_scheme.hpp: openai://host[:port]/model is https unless the host is a loopback name or
// address; openai+http:// forces http and openai+https:// https, on any port. Batches are sent
// concurrently up to a limit through util::post_json: 429, 5xx and transport failures are
// retried with exponential backoff and jitter, honouring Retry-After up to a cap; bodies are
// capped; the key is redacted from errors.
//
// Thread safety: embed() may be called from one thread at a time (it runs its own workers).
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"
#include "stablepick/util/http_json.hpp"

namespace stablepick {

struct OpenAiEmbedderOptions {
    std::string endpoint;  // http(s)://host:port/v1/embeddings
    std::string model;
    std::string api_key;  // from the environment variable the config names; never logged
    size_t batch_size = 64;
    int concurrency = 4;
    int max_attempts = 4;
    std::chrono::milliseconds timeout{60000};
    std::chrono::milliseconds backoff{500};             // first retry delay, doubled each time
    std::chrono::milliseconds max_retry_after{60'000};  // a longer Retry-After waits this long
    size_t max_response_bytes = 64 * 1024 * 1024;       // a batch of vectors as JSON text
    std::shared_ptr<const util::Clock> clock;           // null: the system clock
};

// Parses openai[+http|+https]://host[:port]/model through the table of schemes. kInvalidInput
// naming the URL when it is not one.
Result<OpenAiEmbedderOptions> parse_openai_url(const std::string& url);

class OpenAiEmbedder {
  public:
    explicit OpenAiEmbedder(OpenAiEmbedderOptions options) : options_(std::move(options)) {}

    // "openai:<host:port>/<model>": what vectors are cached under.
    std::string model_id() const;

    // Unit vectors, one per text, in order. `on_batch` is called (from this thread) with
    // each finished batch's first index and vectors, so finished work can be stored before
    // a later batch fails. Errors: kUnavailable (server down or failing after retries),
    // kInvalidInput (garbage, a wrong count, or vectors of another dimension than `expected`).
    Result<std::vector<std::vector<float>>> embed(
        const std::vector<std::string>& texts, std::optional<int> expected_dimension = std::nullopt,
        const std::function<void(size_t first, const std::vector<std::vector<float>>&)>& on_batch =
            {});

    int requests() const { return requests_; }  // including retries

  private:
    Result<std::vector<std::vector<float>>> embed_batch(const std::vector<std::string>& texts);
    OpenAiEmbedderOptions options_;
    int requests_ = 0;
};

}  // namespace stablepick
