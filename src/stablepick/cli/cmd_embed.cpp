// stablepick embed: learn the builtin embedding model from the store and embed every commit.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "stablepick/cli/command.hpp"
#include "stablepick/embed/embeddings.hpp"
#include "stablepick/embed/openai_embedder.hpp"
#include "stablepick/store/vector_reads.hpp"
#include "stablepick/store/vector_writes.hpp"
#include "stablepick/util/progress.hpp"

namespace stablepick::cli {

// Shared with `index`, which embeds what it has just stored.
Result<EmbedReport> ensure_embeddings(Store& store, bool refit, int dimension, bool quiet) {
    auto model = load_current_model(store);
    if (refit || (!model && model.error().code == ErrorCode::kNotFound)) {
        BuiltinFitOptions options;
        options.dimension = dimension;
        if (!quiet) fmt::print(stderr, "learning the embedding model from the stored history...\n");
        // The same history gives the same model id: a refit must not trust the old vectors.
        model = fit_and_store_model(store, options, std::nullopt, refit);
    }
    if (!model) return std::unexpected(model.error());
    return embed_missing(store, *model, quiet);
}

namespace {

// What an embedding server reads of a commit: the message without trailers, the files, and
// the diff cut to a size any model's context takes.
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

// Embeds every commit without a vector of this server's model, storing each batch as it
// arrives: a server that fails midway keeps what it finished.
Result<EmbedReport> embed_with_server(Store& store, OpenAiEmbedder& embedder, bool quiet) {
    EmbedReport report;
    std::string model = embedder.model_id();
    auto coverage = store::vector_coverage(store, model);
    if (!coverage) return std::unexpected(coverage.error());
    report.cached = coverage->with_vector;
    const std::vector<int64_t>& todo = coverage->missing;
    auto stored_dimension = store::model_dimension(store, model);
    if (!stored_dimension) return std::unexpected(stored_dimension.error());
    std::optional<int> dimension = *stored_dimension;
    util::Progress progress("embed", static_cast<int64_t>(todo.size()), quiet);
    constexpr size_t kChunk = 1024;
    for (size_t begin = 0; begin < todo.size(); begin += kChunk) {
        std::vector<int64_t> rows(todo.begin() + begin,
                                  todo.begin() + std::min(todo.size(), begin + kChunk));
        std::vector<std::string> texts;
        for (int64_t row : rows) {
            auto text = load_commit_text(store, row);
            if (!text) return std::unexpected(text.error());
            texts.push_back(server_text(*text));
        }
        Status stored;
        auto done = embedder.embed(
            texts, dimension, [&](size_t first, const std::vector<std::vector<float>>& vectors) {
                if (!stored) return;
                if (!dimension) {
                    dimension = static_cast<int>(vectors.front().size());
                    stored = store::add_server_model(store, model, *dimension);
                    if (!stored) return;
                }
                stored = store::put_vectors(
                    store, model, std::span<const int64_t>(rows).subspan(first, vectors.size()),
                    vectors);
                if (!stored) return;
                report.embedded += static_cast<int64_t>(vectors.size());
                progress.advance(static_cast<int64_t>(vectors.size()));
            });
        if (!stored) return std::unexpected(stored.error());
        if (!done) {
            auto e = done.error();
            e.message += fmt::format("; {} commits embedded before it are kept", report.embedded);
            return std::unexpected(e);
        }
    }
    progress.finish();
    return report;
}

}  // namespace

Command make_embed_command() {
    struct Options {
        bool refit = false;
        int dimension = 128;
        std::string embedder = "builtin:";
        std::string api_key_env;
        int concurrency = 4;
        size_t batch = 64;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "embed";
    c.summary =
        "learn the builtin embedding model and embed every stored commit (index does this too)";
    c.needs = kWantsRepo | kNeedsStoreWrite;
    c.setup = [opts](CLI::App& app) {
        app.add_flag("--refit", opts->refit,
                     "learn the model again (every commit is embedded anew)");
        app.add_option("--dimension", opts->dimension, "vector size of a new model")
            ->capture_default_str()
            ->check(CLI::Range(2, 1024));
        app.add_option(
               "--embedder", opts->embedder,
               "builtin: (default), or openai://host[:port]/model for an OpenAI-compatible server")
            ->capture_default_str();
        app.add_option("--api-key-env", opts->api_key_env,
                       "environment variable holding the server's API key");
        app.add_option("--concurrency", opts->concurrency, "requests in flight at once")
            ->capture_default_str()
            ->check(CLI::Range(1, 64));
        app.add_option("--batch", opts->batch, "texts per request")
            ->capture_default_str()
            ->check(CLI::Range(1, 2048));
    };
    c.run = [opts](Context& ctx) -> int {
        auto start = std::chrono::steady_clock::now();
        if (opts->embedder != "builtin:") {
            auto options = parse_openai_url(opts->embedder);
            if (!options) return report(options.error());
            if (!opts->api_key_env.empty()) {
                const char* key = std::getenv(opts->api_key_env.c_str());
                if (!key || !*key)
                    return report(Error{
                        ErrorCode::kInvalidInput,
                        fmt::format("environment variable '{}' is not set", opts->api_key_env)});
                options->api_key = key;
            }
            options->concurrency = opts->concurrency;
            options->batch_size = opts->batch;
            OpenAiEmbedder embedder(*options);
            auto r = embed_with_server(*ctx.store, embedder, ctx.global.quiet);
            if (!r) return report(r.error());
            fmt::print(
                "model {}: {} commits embedded, {} already cached, {} requests, in {:.1f}s\n",
                embedder.model_id(), r->embedded, r->cached, embedder.requests(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            return exit_code::kOk;
        }
        auto r = ensure_embeddings(*ctx.store, opts->refit, opts->dimension, ctx.global.quiet);
        if (!r) return report(r.error());
        auto model = load_current_model(*ctx.store);
        fmt::print("model {}: {} commits embedded, {} already cached, in {:.1f}s\n",
                   model ? model->id() : "?", r->embedded, r->cached,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
