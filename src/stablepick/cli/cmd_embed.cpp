// stablepick embed: learn the builtin embedding model from the store and embed every commit.
#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "stablepick/cli/command.hpp"
#include "stablepick/embed/embeddings.hpp"

namespace stablepick::cli {

// Shared with `index`, which embeds what it has just stored.
Result<EmbedReport> ensure_embeddings(Store& store, bool refit, int dimension, bool quiet) {
    auto model = load_current_model(store);
    if (refit || (!model && model.error().code == ErrorCode::kNotFound)) {
        BuiltinFitOptions options;
        options.dimension = dimension;
        if (!quiet) fmt::print(stderr, "learning the embedding model from the stored history...\n");
        model = fit_and_store_model(store, options);
        // The same history gives the same model id: a refit must not trust the old vectors.
        if (model && refit)
            if (auto r = drop_embeddings(store, model->id()); !r) return std::unexpected(r.error());
    }
    if (!model) return std::unexpected(model.error());
    return embed_missing(store, *model, quiet);
}

Command make_embed_command() {
    struct Options {
        bool refit = false;
        int dimension = 128;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "embed";
    c.summary = "learn the builtin embedding model and embed every stored commit (index does this too)";
    c.needs = kWantsRepo | kNeedsStoreWrite;
    c.setup = [opts](CLI::App& app) {
        app.add_flag("--refit", opts->refit, "learn the model again (every commit is embedded anew)");
        app.add_option("--dimension", opts->dimension, "vector size of a new model")->capture_default_str()
            ->check(CLI::Range(2, 1024));
    };
    c.run = [opts](Context& ctx) -> int {
        auto start = std::chrono::steady_clock::now();
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
