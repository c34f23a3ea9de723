// stablepick embed: embed every stored commit through the store's current embedder (learning the
// builtin model first when there is none), or through the one --embedder names, which then
// becomes current.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "stablepick/cli/command.hpp"
#include "stablepick/core/url_scheme.hpp"
#include "stablepick/embed/builtin_embedder.hpp"
#include "stablepick/embed/embeddings.hpp"
#include "stablepick/embed/openai_embedder.hpp"

namespace stablepick::cli {

namespace {

// Fits the builtin model when there is none (or on `refit`).
Result<BuiltinModel> builtin_model(Store& store, bool refit, int dimension, bool quiet) {
    auto model = load_current_model(store);
    if (refit || (!model && model.error().code == ErrorCode::kNotFound)) {
        BuiltinFitOptions options;
        options.dimension = dimension;
        if (!quiet) fmt::print(stderr, "learning the embedding model from the stored history...\n");
        // The same history gives the same model id: a refit must not trust the old vectors.
        model = fit_and_store_model(store, options, std::nullopt, refit);
    }
    return model;
}

}  // namespace

// Shared with `index` and `train`, which embed what has no vector yet.
Result<EmbedRun> ensure_embeddings(Store& store, const Config& config, bool quiet) {
    auto url = current_embedder_url(store);
    if (!url) return std::unexpected(url.error());
    EmbedRun run;
    if (*url == "builtin:") {
        auto model = builtin_model(store, false, 128, quiet);
        if (!model) return std::unexpected(model.error());
        run.embedder = std::make_unique<BuiltinEmbedder>(std::move(*model));
    } else {
        auto embedder = open_current_embedder(store, config.embed);
        if (!embedder) return std::unexpected(embedder.error());
        run.embedder = std::move(*embedder);
    }
    auto report = embed_missing(store, *run.embedder, {.quiet = quiet});
    if (!report) return std::unexpected(report.error());
    run.report = *report;
    return run;
}

Command make_embed_command() {
    struct Options {
        bool refit = false;
        int dimension = 128;
        std::string embedder;  // empty: the store's current one
        std::string api_key_env;
        int concurrency = 4;
        int batch = 64;
        CLI::Option* concurrency_given = nullptr;
        CLI::Option* batch_given = nullptr;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "embed";
    c.summary =
        "embed every stored commit through the current embedder (learning the builtin model "
        "first), or through another one, which becomes current";
    c.needs = kWantsRepo | kNeedsStoreWrite;
    c.setup = [opts](CLI::App& app) {
        app.add_flag("--refit", opts->refit,
                     "embed every commit anew (the builtin model is learned again)");
        app.add_option("--dimension", opts->dimension, "vector size of a new builtin model")
            ->capture_default_str()
            ->check(CLI::Range(2, 1024));
        app.add_option("--embedder", opts->embedder,
                       "builtin:, or openai://host[:port]/model for an OpenAI-compatible server; "
                       "it becomes the store's current embedder once every commit has its vector "
                       "(default: the current one)");
        app.add_option("--api-key-env", opts->api_key_env,
                       "environment variable holding the server's API key (its name is "
                       "remembered, the key never)");
        opts->concurrency_given =
            app.add_option("--concurrency", opts->concurrency,
                           "requests in flight at once (default: embed.concurrency, 4)")
                ->check(CLI::Range(1, 64));
        opts->batch_given =
            app.add_option("--batch", opts->batch, "texts per request (default: embed.batch, 64)")
                ->check(CLI::Range(1, 2048));
    };
    c.run = [opts](Context& ctx) -> int {
        auto start = std::chrono::steady_clock::now();
        Store& store = *ctx.store;
        auto current = current_embedder_url(store);
        if (!current) return report(current.error());
        std::string url = opts->embedder.empty() ? *current : opts->embedder;
        auto parsed = parse_backend_url(url, UrlKind::kEmbedder);
        if (!parsed) return report(parsed.error());
        bool quiet = ctx.global.quiet;
        std::unique_ptr<Embedder> embedder;
        if (parsed->backend == Backend::kBuiltin) {
            auto model = builtin_model(store, opts->refit, opts->dimension, quiet);
            if (!model) return report(model.error());
            embedder = std::make_unique<BuiltinEmbedder>(std::move(*model));
        } else {
            EmbedConfig config = ctx.config.embed;
            if (opts->concurrency_given->count()) config.concurrency = opts->concurrency;
            if (opts->batch_given->count()) config.batch = opts->batch;
            if (!opts->api_key_env.empty()) config.api_key_env = opts->api_key_env;
            std::string recorded_key_env;
            if (url == *current) {
                auto key_env = store.meta("embedder_key_env");
                if (!key_env) return report(key_env.error());
                recorded_key_env = *key_env;
            }
            auto opened = open_embedder(store, url, config, recorded_key_env);
            if (!opened) return report(opened.error());
            embedder = std::move(*opened);
            if (opts->refit)
                if (auto st = drop_embedder_vectors(store, *embedder); !st)
                    return report(st.error());
        }
        auto* server = dynamic_cast<OpenAiEmbedder*>(embedder.get());
        auto r =
            embed_missing(store, *embedder, {.quiet = quiet, .api_key_env = opts->api_key_env});
        if (!r) {
            Error e = r.error();
            if (url != *current)
                e.message += fmt::format("; the current embedder is still '{}'", *current);
            return report(e);
        }
        std::string requests =
            server ? fmt::format(", {} requests", server->requests()) : std::string();
        fmt::print("model {}: {} commits embedded, {} already cached{}, in {:.1f}s\n",
                   embedder->id(), r->embedded, r->cached, requests,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        if (r->made_current && !quiet)
            fmt::print(stderr,
                       "the current embedder is now '{}' (was '{}'): similar, train, review and "
                       "eval use its vectors; run 'stablepick train' again\n",
                       embedder->url(), *current);
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
