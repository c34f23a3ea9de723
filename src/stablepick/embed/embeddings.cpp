#include "stablepick/embed/embeddings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "stablepick/core/url_scheme.hpp"
#include "stablepick/embed/builtin_embedder.hpp"
#include "stablepick/embed/openai_embedder.hpp"
#include "stablepick/store/model_tables.hpp"
#include "stablepick/store/vector_reads.hpp"
#include "stablepick/store/vector_writes.hpp"
#include "stablepick/util/compress.hpp"
#include "stablepick/util/progress.hpp"

namespace stablepick {

std::string vector_to_blob(const std::vector<float>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

std::vector<float> blob_to_vector(std::string_view blob) {
    std::vector<float> v(blob.size() / sizeof(float));
    std::memcpy(v.data(), blob.data(), v.size() * sizeof(float));
    return v;
}

CommitText commit_text_of(const Commit& c) {
    CommitText t{c.subject, c.body, c.diff, {}, {}};
    for (auto& f : c.files) t.paths.push_back(f.path);
    for (auto& h : c.hunks) t.functions.push_back(h.header);
    return t;
}

Result<CommitText> load_commit_text(Store& store, int64_t row) {
    auto stored = store::stored_commit_text(store, row);
    if (!stored) return std::unexpected(stored.error());
    CommitText t;
    t.subject = std::move(stored->subject);
    t.body = std::move(stored->body);
    if (stored->compressed_diff) {
        auto diff = util::zstd_decompress(*stored->compressed_diff);
        if (!diff)
            return fail(ErrorCode::kCorrupt,
                        fmt::format("stored diff of commit row {} is damaged", row));
        t.diff = std::move(*diff);
    }
    t.paths = std::move(stored->paths);
    t.functions = std::move(stored->hunk_headers);
    return t;
}

Result<BuiltinModel> load_current_model(Store& store) {
    auto id = store.meta("embed_model");
    if (!id) return std::unexpected(id.error());
    if (id->empty())
        return fail(ErrorCode::kNotFound,
                    "no embedding model yet: run 'stablepick embed' (or 'stablepick index')");
    auto blob = store::model_blob(store, *id);
    if (!blob) return std::unexpected(blob.error());
    if (!*blob)
        return fail(
            ErrorCode::kCorrupt,
            fmt::format(
                "embedding model '{}' is missing from the store: run 'stablepick embed --refit'",
                *id));
    return BuiltinModel::deserialize(**blob);
}

namespace {

// meta "embedder": the URL of the current embedder; "embedder_key_env": the name of the variable
// holding its key, as `embed --api-key-env` gave it.
constexpr std::string_view kEmbedder = "embedder";
constexpr std::string_view kEmbedderKeyEnv = "embedder_key_env";
constexpr std::string_view kBuiltinUrl = "builtin:";

// meta "embedded_through": "<model> <row>" once every commit up to row <row> has a vector of
// <model>, the current embedder's; "<model> -1" from the moment the current embedder's vectors
// are known to be incomplete (the builtin model fitted anew, a --refit) until an embed ends.
constexpr std::string_view kEmbeddedThrough = "embedded_through";

// Calls `each(t)` on `threads` threads, each with a read connection of its own to the store;
// the first error any of them returns is the answer.
Status on_readers(Store& store, unsigned threads,
                  const std::function<Status(Store& reader, unsigned t)>& each) {
    std::vector<Error> errors(threads);
    {
        std::vector<std::jthread> workers;
        for (unsigned t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                auto reader = Store::open(store.url(), Store::Mode::kRead);
                if (!reader) {
                    errors[t] = reader.error();
                    return;
                }
                if (auto st = each(*reader, t); !st) errors[t] = st.error();
            });
        }
    }
    for (auto& e : errors)
        if (!e.message.empty()) return std::unexpected(e);
    return {};
}

unsigned reader_threads() {
    return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

Result<std::string> current_embedder_url(Store& store) {
    auto url = store.meta(kEmbedder);
    if (!url) return std::unexpected(url.error());
    return url->empty() ? std::string(kBuiltinUrl) : *url;
}

Result<std::unique_ptr<Embedder>> open_embedder(Store& store, const std::string& url,
                                                const EmbedConfig& config,
                                                const std::string& key_env) {
    auto parsed = parse_backend_url(url, UrlKind::kEmbedder);
    if (!parsed) return std::unexpected(parsed.error());
    if (parsed->backend == Backend::kBuiltin) {
        auto model = load_current_model(store);
        if (!model) return std::unexpected(model.error());
        return std::make_unique<BuiltinEmbedder>(std::move(*model));
    }
    auto options = parse_openai_url(url);
    if (!options) return std::unexpected(options.error());
    std::string variable = !config.api_key_env.empty() ? config.api_key_env : key_env;
    if (!variable.empty()) {
        // Unset, it fails the first request only: stored vectors are read without the key.
        const char* key = std::getenv(variable.c_str());
        if (key && *key)
            options->api_key = key;
        else
            options->unset_key_env = variable;
    }
    options->batch_size = static_cast<size_t>(config.batch);
    options->concurrency = config.concurrency;
    options->timeout = std::chrono::milliseconds(config.timeout_ms);
    options->max_attempts = config.max_attempts;
    options->backoff = std::chrono::milliseconds(config.backoff_ms);
    options->max_retry_after = std::chrono::milliseconds(config.max_retry_after_ms);
    options->max_response_bytes = static_cast<size_t>(config.max_response_bytes);
    OpenAiEmbedder probe(*options);
    auto dimension = store::model_dimension(store, probe.id());
    if (!dimension) return std::unexpected(dimension.error());
    options->dimension = *dimension;
    return std::make_unique<OpenAiEmbedder>(std::move(*options));
}

Result<std::unique_ptr<Embedder>> open_current_embedder(Store& store, const EmbedConfig& config) {
    auto url = current_embedder_url(store);
    if (!url) return std::unexpected(url.error());
    auto key_env = store.meta(kEmbedderKeyEnv);
    if (!key_env) return std::unexpected(key_env.error());
    return open_embedder(store, *url, config, *key_env);
}

Result<std::vector<CommitText>> texts_of(Store& store, const std::vector<int64_t>& rows,
                                         const TagStrip* strip) {
    std::vector<CommitText> out(rows.size());
    unsigned threads =
        static_cast<unsigned>(std::clamp<size_t>(rows.size() / 16, 1, reader_threads()));
    auto read = [&](Store& reader, unsigned t) -> Status {
        for (size_t i = t; i < rows.size(); i += threads) {
            auto text = load_commit_text(reader, rows[i]);
            if (!text) return std::unexpected(text.error());
            if (strip) strip->apply(*text);
            out[i] = std::move(*text);
        }
        return {};
    };
    // A few texts are read through the caller's own connection: no reader to open, and it sees
    // what the caller's transaction holds (a patch under `check`, not committed).
    auto st = threads == 1 ? read(store, 0) : on_readers(store, threads, read);
    if (!st) return std::unexpected(st.error());
    return out;
}

// Reads texts of `rows` and turns them into terms, in parallel (one store connection each).
Result<std::vector<std::vector<Term>>> terms_of(Store& store, const std::vector<int64_t>& rows,
                                                const TagStrip* strip) {
    std::vector<std::vector<Term>> out(rows.size());
    unsigned threads = reader_threads();
    auto st = on_readers(store, threads, [&](Store& reader, unsigned t) -> Status {
        for (size_t i = t; i < rows.size(); i += threads) {
            auto text = load_commit_text(reader, rows[i]);
            if (!text) return std::unexpected(text.error());
            if (strip) strip->apply(*text);
            out[i] = commit_terms(*text);
        }
        return {};
    });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::vector<int64_t>> main_commit_rows(Store& store, std::optional<int64_t> before) {
    return store::main_commit_rows_before(store, before.value_or(INT64_MAX));
}

Result<std::string> check_vectors(Store& store, const std::string& model) {
    auto mark = store.meta(kEmbeddedThrough);
    if (!mark) return std::unexpected(mark.error());
    if (mark->empty()) return std::string();
    auto space = mark->rfind(' ');
    std::string marked = space == std::string::npos ? *mark : mark->substr(0, space);
    int64_t through = space == std::string::npos ? -1 : std::atoll(mark->c_str() + space + 1);
    if (marked != model || through < 0)
        return fail(ErrorCode::kNotFound,
                    fmt::format("the vectors of embedding model '{}' are incomplete (an embed "
                                "run stopped before it finished): run 'stablepick embed'",
                                model));
    auto newer_rows = store::commits_stored_after(store, through);
    if (!newer_rows) return std::unexpected(newer_rows.error());
    int64_t newer = *newer_rows;
    if (newer == 0) return std::string();
    return fmt::format(
        "{} commit{} stored since the last embed {} no vector yet and cannot be "
        "found: run 'stablepick embed'",
        newer, newer == 1 ? "" : "s", newer == 1 ? "has" : "have");
}

Result<BuiltinModel> fit_and_store_model(Store& store, const BuiltinFitOptions& options,
                                         std::optional<int64_t> before, bool drop_vectors) {
    auto rows = main_commit_rows(store, before);
    if (!rows) return std::unexpected(rows.error());
    auto docs = terms_of(store, *rows);
    if (!docs) return std::unexpected(docs.error());
    auto model = BuiltinModel::fit(*docs, options);
    if (!model) return std::unexpected(model.error());
    // While a server is current, the mark speaks of its vectors: the new model's are incomplete
    // anyway (the mark names another model) until embed_missing makes it current.
    auto current = current_embedder_url(store);
    if (!current) return std::unexpected(current.error());
    if (auto r = store.begin(); !r) return std::unexpected(r.error());
    // No wall-clock time here: two runs over the same history must leave the same store.
    if (auto r = store::put_model(store, {.id = model->id(),
                                          .kind = "builtin",
                                          .trained_on = static_cast<int64_t>(rows->size()),
                                          .dimension = model->dimension(),
                                          .blob = model->serialize()});
        !r) {
        store.rollback();
        return std::unexpected(r.error());
    }
    if (auto r = store.set_meta("embed_model", model->id()); !r) {
        store.rollback();
        return std::unexpected(r.error());
    }
    if (*current == kBuiltinUrl)
        if (auto r = store.set_meta(kEmbeddedThrough, model->id() + " -1"); !r) {
            store.rollback();
            return std::unexpected(r.error());
        }
    if (drop_vectors)
        if (auto r = store::drop_vectors(store, model->id()); !r) {
            store.rollback();
            return std::unexpected(r.error());
        }
    if (auto r = store.commit(); !r) return std::unexpected(r.error());
    return model;
}

Result<EmbedReport> embed_missing(Store& store, Embedder& embedder,
                                  const EmbedMissingOptions& options) {
    EmbedReport report;
    const std::string id = embedder.id();
    // The newest row first: a commit stored while this runs is left for the next run.
    auto newest = store::newest_commit_row(store);
    if (!newest) return std::unexpected(newest.error());
    auto coverage = store::vector_coverage(store, id);
    if (!coverage) return std::unexpected(coverage.error());
    report.cached = coverage->with_vector;
    std::vector<int64_t>& todo = coverage->missing;
    std::erase_if(todo, [&](int64_t row) { return row > *newest; });
    // A server's model is recorded with the size of its first vectors (the builtin model's
    // row was written when it was fitted).
    auto stored_dimension = store::model_dimension(store, id);
    if (!stored_dimension) return std::unexpected(stored_dimension.error());
    bool recorded = stored_dimension->has_value();
    util::Progress progress("embed", static_cast<int64_t>(todo.size()), options.quiet);
    // The builtin model embeds a part in a blink; a server's parts are stored as they come.
    const size_t part = builtin_model_of(embedder) ? 4096 : 1024;
    for (size_t begin = 0; begin < todo.size(); begin += part) {
        std::vector<int64_t> rows(
            todo.begin() + static_cast<std::ptrdiff_t>(begin),
            todo.begin() + static_cast<std::ptrdiff_t>(std::min(todo.size(), begin + part)));
        auto texts = texts_of(store, rows);
        if (!texts) return std::unexpected(texts.error());
        Status stored;
        auto done =
            embedder.embed(*texts, [&](size_t first, std::span<const std::vector<float>> vectors) {
                if (!stored || vectors.empty()) return;
                if (!recorded) {
                    stored = store::add_server_model(store, id,
                                                     static_cast<int>(vectors.front().size()));
                    if (!stored) return;
                    recorded = true;
                }
                stored = store::put_vectors(
                    store, id, std::span<const int64_t>(rows).subspan(first, vectors.size()),
                    std::vector<std::vector<float>>(vectors.begin(), vectors.end()));
                if (!stored) return;
                report.embedded += static_cast<int64_t>(vectors.size());
                progress.advance(static_cast<int64_t>(vectors.size()));
            });
        if (!stored) return std::unexpected(stored.error());
        if (!done) {
            auto e = done.error();
            if (report.embedded > 0)
                e.message +=
                    fmt::format("; {} commits embedded before it are kept", report.embedded);
            return std::unexpected(e);
        }
    }
    progress.finish();
    // Only now are the vectors whole: a run killed before this point leaves the store's current
    // embedder and its mark as they were.
    auto current = current_embedder_url(store);
    if (!current) return std::unexpected(current.error());
    auto current_key_env = store.meta(kEmbedderKeyEnv);
    if (!current_key_env) return std::unexpected(current_key_env.error());
    report.made_current = *current != embedder.url();
    if (auto r = store.begin(); !r) return std::unexpected(r.error());
    auto written = [&]() -> Status {
        if (report.made_current)
            if (auto r = store.set_meta(kEmbedder, embedder.url()); !r) return r;
        if ((report.made_current || !options.api_key_env.empty()) &&
            options.api_key_env != *current_key_env)
            if (auto r = store.set_meta(kEmbedderKeyEnv, options.api_key_env); !r) return r;
        return store.set_meta(kEmbeddedThrough, fmt::format("{} {}", id, *newest));
    }();
    if (!written) {
        store.rollback();
        return std::unexpected(written.error());
    }
    if (auto r = store.commit(); !r) return std::unexpected(r.error());
    return report;
}

Status drop_embedder_vectors(Store& store, const Embedder& embedder) {
    auto current = current_embedder_url(store);
    if (!current) return std::unexpected(current.error());
    if (auto r = store.begin(); !r) return r;
    auto dropped = [&]() -> Status {
        if (auto r = store::drop_vectors(store, embedder.id()); !r) return r;
        if (*current == embedder.url())
            return store.set_meta(kEmbeddedThrough, embedder.id() + " -1");
        return {};
    }();
    if (!dropped) {
        store.rollback();
        return dropped;
    }
    return store.commit();
}

}  // namespace stablepick
