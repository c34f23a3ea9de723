#pragma once
// The server embedder (`openai://host[:port]/model`): embeddings from any OpenAI-compatible
// /v1/embeddings server (OpenAI, Ollama, llama.cpp server, vLLM, TEI), behind the Embedder
// interface. The URL is read by the one table of core/url_scheme.hpp, as the chat providers'
// are: https unless the host is a loopback name or address; openai+http:// forces http and
// openai+https:// https, on any port. Batches are sent concurrently up to a limit through
// util::post_json: 429, 5xx and transport failures are retried with exponential backoff and
// jitter, honouring Retry-After up to a cap; bodies are capped; the key is redacted from errors.
//
// Thread safety: as Embedder's: embed() and embed_texts() from one thread at a time (they run
// workers of their own).
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"
#include "stablepick/embed/embedder.hpp"
#include "stablepick/text/features.hpp"
#include "stablepick/util/http_json.hpp"

namespace stablepick {

struct OpenAiEmbedderOptions {
    std::string url;        // as given: openai://host:port/model
    std::string authority;  // host[:port] as the URL writes it: part of the id
    std::string endpoint;   // http(s)://host:port/v1/embeddings
    std::string model;
    std::optional<int> dimension;  // of the vectors already stored; unknown until an answer
    std::string api_key;           // from the environment variable the config names; never logged
    // The variable that should have held the key but is unset: every request fails, naming it.
    std::string unset_key_env;
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

// What an embedding server reads of a commit: the message without trailers, the files, and
// the diff cut to a size any model's context takes.
std::string server_text(const CommitText& text);

class OpenAiEmbedder final : public Embedder {
  public:
    explicit OpenAiEmbedder(OpenAiEmbedderOptions options)
        : options_(std::move(options)), dimension_(options_.dimension) {}

    // "openai:<host[:port]>/<model>": what vectors are cached under.
    std::string id() const override;
    std::string url() const override { return options_.url; }
    // The stored vectors' size, else that of the first answer.
    std::optional<int> dimension() const override { return dimension_; }

    using Embedder::embed;
    // embed_texts() of each commit's server_text().
    Result<std::vector<std::vector<float>>> embed(std::span<const CommitText> commits,
                                                  const FinishedVectors& finished) override;

    // Unit vectors, one per text, in order. `on_batch` is called (from this thread) with
    // each finished batch's first index and vectors, so finished work can be stored before
    // a later batch fails. Errors: kUnavailable (server down or failing after retries),
    // kInvalidInput (garbage, a wrong count, or vectors of another dimension than `expected`,
    // which defaults to dimension()).
    Result<std::vector<std::vector<float>>> embed_texts(
        const std::vector<std::string>& texts, std::optional<int> expected_dimension = std::nullopt,
        const std::function<void(size_t first, const std::vector<std::vector<float>>&)>& on_batch =
            {});

    int requests() const { return requests_; }  // including retries

  private:
    Result<std::vector<std::vector<float>>> embed_batch(const std::vector<std::string>& texts);
    OpenAiEmbedderOptions options_;
    std::optional<int> dimension_;
    int requests_ = 0;
};

}  // namespace stablepick
