#include "stablepick/embed/embeddings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

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
    auto& db = store.db();
    CommitText t;
    auto q = db.prepare("SELECT subject, body, diff FROM commits WHERE id = ?");
    if (!q) return std::unexpected(Store::error(q.error(), "read commits"));
    q->bind(1, row);
    auto r = q->step();
    if (!r) return std::unexpected(Store::error(r.error(), "read commits"));
    if (!*r) return fail(ErrorCode::kNotFound, fmt::format("no stored commit with row {}", row));
    t.subject = q->text(0);
    t.body = q->text(1);
    if (!q->is_null(2)) {
        auto diff = util::zstd_decompress(q->blob(2));
        if (!diff)
            return fail(ErrorCode::kCorrupt,
                        fmt::format("stored diff of commit row {} is damaged", row));
        t.diff = std::move(*diff);
    }
    auto f = db.prepare("SELECT path FROM files WHERE commit_id = ? ORDER BY seq");
    if (!f) return std::unexpected(Store::error(f.error(), "read files"));
    f->bind(1, row);
    while (*f->step()) t.paths.push_back(f->text(0));
    auto h = db.prepare("SELECT header FROM hunks WHERE commit_id = ? ORDER BY seq");
    if (!h) return std::unexpected(Store::error(h.error(), "read hunks"));
    h->bind(1, row);
    while (*h->step()) t.functions.push_back(h->text(0));
    return t;
}

Result<BuiltinModel> load_current_model(Store& store) {
    auto id = store.meta("embed_model");
    if (!id) return std::unexpected(id.error());
    if (id->empty())
        return fail(ErrorCode::kNotFound,
                    "no embedding model yet: run 'stablepick embed' (or 'stablepick index')");
    auto q = store.db().prepare("SELECT blob FROM models WHERE id = ?");
    if (!q) return std::unexpected(Store::error(q.error(), "read models"));
    q->bind(1, *id);
    auto r = q->step();
    if (!r) return std::unexpected(Store::error(r.error(), "read models"));
    if (!*r)
        return fail(
            ErrorCode::kCorrupt,
            fmt::format(
                "embedding model '{}' is missing from the store: run 'stablepick embed --refit'",
                *id));
    return BuiltinModel::deserialize(q->blob(0));
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
            auto reader = Store::open(store.path(), Store::Mode::kRead);
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
    auto q = store.db().prepare(
        R"(SELECT c.id FROM commits c WHERE c.parent_count <= 1 AND c.commit_time < ?
        AND EXISTS(SELECT 1 FROM branch_commits bc JOIN branches b ON b.id = bc.branch_id
                   WHERE bc.commit_id = c.id AND b.kind = 'main') ORDER BY c.id)");
    if (!q) return std::unexpected(Store::error(q.error(), "read commits"));
    q->bind(1, before.value_or(INT64_MAX));
    std::vector<int64_t> rows;
    while (true) {
        auto r = q->step();
        if (!r) return std::unexpected(Store::error(r.error(), "read commits"));
        if (!*r) break;
        rows.push_back(q->int64(0));
    }
    return rows;
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
    auto q = store.db().prepare("SELECT COUNT(*) FROM commits WHERE id > ? AND parent_count <= 1");
    if (!q) return std::unexpected(Store::error(q.error(), "read commits"));
    q->bind(1, through);
    auto r = q->step();
    if (!r) return std::unexpected(Store::error(r.error(), "read commits"));
    int64_t newer = q->int64(0);
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
    auto ins = store.db().prepare("INSERT OR REPLACE INTO models VALUES(?, 'builtin', ?, ?, ?)");
    if (!ins) {
        store.rollback();
        return std::unexpected(Store::error(ins.error(), "store the model"));
    }
    // No wall-clock time here: two runs over the same history must leave the same store.
    ins->bind(1, model->id())
        .bind(2, static_cast<int64_t>(rows->size()))
        .bind(3, model->dimension());
    ins->bind_blob(4, model->serialize());
    if (auto r = ins->run(); !r) {
        store.rollback();
        return std::unexpected(Store::error(r.error(), "store the model"));
    }
    if (auto r = store.set_meta("embed_model", model->id()); !r) {
        store.rollback();
        return std::unexpected(r.error());
    }
    if (auto r = store.set_meta(kEmbeddedThrough, model->id() + " -1"); !r) {
        store.rollback();
        return std::unexpected(r.error());
    }
    if (drop_vectors) {
        auto drop = store.db().prepare("DELETE FROM embeddings WHERE model = ?");
        if (!drop) {
            store.rollback();
            return std::unexpected(Store::error(drop.error(), "drop embeddings"));
        }
        drop->bind(1, model->id());
        if (auto r = drop->run(); !r) {
            store.rollback();
            return std::unexpected(Store::error(r.error(), "drop embeddings"));
        }
    }
    if (auto r = store.commit(); !r) return std::unexpected(r.error());
    return model;
}

Result<EmbedReport> embed_missing(Store& store, const BuiltinModel& model, bool quiet) {
    EmbedReport report;
    auto q = store.db().prepare(
        R"(SELECT c.id, EXISTS(SELECT 1 FROM embeddings e WHERE e.model = ?1 AND e.commit_id = c.id)
        FROM commits c WHERE c.parent_count <= 1 ORDER BY c.id)");
    if (!q) return std::unexpected(Store::error(q.error(), "read commits"));
    q->bind(1, model.id());
    std::vector<int64_t> todo;
    int64_t newest = 0;  // the newest commit row this run covers
    while (true) {
        auto r = q->step();
        if (!r) return std::unexpected(Store::error(r.error(), "read commits"));
        if (!*r) break;
        newest = std::max(newest, q->int64(0));
        if (q->int64(1))
            ++report.cached;
        else
            todo.push_back(q->int64(0));
    }
    util::Progress progress("embed", static_cast<int64_t>(todo.size()), quiet);
    constexpr size_t kBatch = 4096;
    for (size_t begin = 0; begin < todo.size(); begin += kBatch) {
        std::vector<int64_t> rows(todo.begin() + begin,
                                  todo.begin() + std::min(todo.size(), begin + kBatch));
        auto docs = terms_of(store, rows);
        if (!docs) return std::unexpected(docs.error());
        if (auto r = store.begin(); !r) return std::unexpected(r.error());
        auto ins = store.db().prepare("INSERT OR IGNORE INTO embeddings VALUES(?, ?, ?)");
        if (!ins) {
            store.rollback();
            return std::unexpected(Store::error(ins.error(), "store embeddings"));
        }
        for (size_t i = 0; i < rows.size(); ++i) {
            ins->bind(1, model.id())
                .bind(2, rows[i])
                .bind_blob(3, vector_to_blob(model.embed((*docs)[i])));
            if (auto r = ins->run(); !r) {
                store.rollback();
                return std::unexpected(Store::error(r.error(), "store embeddings"));
            }
        }
        if (auto r = store.commit(); !r) return std::unexpected(r.error());
        report.embedded += static_cast<int64_t>(rows.size());
        progress.advance(static_cast<int64_t>(rows.size()));
    }
    progress.finish();
    // Only now are the vectors whole: a run killed before this line leaves the mark as it was.
    if (auto r = store.set_meta(kEmbeddedThrough, fmt::format("{} {}", model.id(), newest)); !r)
        return std::unexpected(r.error());
    return report;
}

}  // namespace stablepick
