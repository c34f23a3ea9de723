#include "stablepick/embed/embeddings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

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

// Reads texts of `rows` and turns them into terms, in parallel (one store connection each).
Result<std::vector<std::vector<Term>>> terms_of(Store& store, const std::vector<int64_t>& rows,
                                                const TagStrip* strip) {
    std::vector<std::vector<Term>> out(rows.size());
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<Error> errors(threads);
    std::vector<std::jthread> workers;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            auto reader = Store::open(store.url(), Store::Mode::kRead);
            if (!reader) {
                errors[t] = reader.error();
                return;
            }
            for (size_t i = t; i < rows.size(); i += threads) {
                auto text = load_commit_text(*reader, rows[i]);
                if (!text) {
                    errors[t] = text.error();
                    return;
                }
                if (strip) strip->apply(*text);
                out[i] = commit_terms(*text);
            }
        });
    }
    workers.clear();
    for (auto& e : errors)
        if (!e.message.empty()) return std::unexpected(e);
    return out;
}

Result<std::vector<int64_t>> main_commit_rows(Store& store, std::optional<int64_t> before) {
    return store::main_commit_rows_before(store, before.value_or(INT64_MAX));
}

namespace {

// meta "embedded_through": "<model> <row>" once every commit up to row <row> has a vector of
// <model>; "<model> -1" from the moment a model is made current until its first embed ends.
constexpr std::string_view kEmbeddedThrough = "embedded_through";

}  // namespace

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

Result<EmbedReport> embed_missing(Store& store, const BuiltinModel& model, bool quiet) {
    EmbedReport report;
    // The newest row first: a commit stored while this runs is left for the next run.
    auto newest = store::newest_commit_row(store);
    if (!newest) return std::unexpected(newest.error());
    auto coverage = store::vector_coverage(store, model.id());
    if (!coverage) return std::unexpected(coverage.error());
    report.cached = coverage->with_vector;
    std::vector<int64_t>& todo = coverage->missing;
    std::erase_if(todo, [&](int64_t row) { return row > *newest; });
    util::Progress progress("embed", static_cast<int64_t>(todo.size()), quiet);
    constexpr size_t kBatch = 4096;
    for (size_t begin = 0; begin < todo.size(); begin += kBatch) {
        std::span<const int64_t> rows(todo.data() + begin, std::min(todo.size() - begin, kBatch));
        auto docs = terms_of(store, std::vector<int64_t>(rows.begin(), rows.end()));
        if (!docs) return std::unexpected(docs.error());
        std::vector<std::vector<float>> vectors;
        vectors.reserve(rows.size());
        for (auto& doc : *docs) vectors.push_back(model.embed(doc));
        if (auto r = store::put_vectors(store, model.id(), rows, vectors); !r)
            return std::unexpected(r.error());
        report.embedded += static_cast<int64_t>(rows.size());
        progress.advance(static_cast<int64_t>(rows.size()));
    }
    progress.finish();
    // Only now are the vectors whole: a run killed before this line leaves the mark as it was.
    if (auto r = store.set_meta(kEmbeddedThrough, fmt::format("{} {}", model.id(), *newest)); !r)
        return std::unexpected(r.error());
    return report;
}

}  // namespace stablepick
