#include "stablepick/vote/saved_model.hpp"

#include <fmt/format.h>
#include <xxhash.h>

#include <fstream>
#include <iterator>
#include <random>

#include "stablepick/embed/embeddings.hpp"
#include "stablepick/util/atomic_file.hpp"
#include "stablepick/util/compress.hpp"

namespace stablepick {
namespace {

Result<OfflineModel> parse_model(std::string_view compressed, Store& store,
                                 const std::string& where) {
    auto text = util::zstd_decompress(compressed);
    if (!text)
        return fail(
            ErrorCode::kCorrupt,
            fmt::format("the voters' model in {} is damaged: run 'stablepick train'", where));
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded())
        return fail(
            ErrorCode::kCorrupt,
            fmt::format("the voters' model in {} is damaged: run 'stablepick train'", where));
    auto id = store.meta("store_id");
    if (!id) return std::unexpected(id.error());
    return OfflineModel::from_json(j, *id);
}

}  // namespace

Result<std::string> store_identity(Store& store) {
    auto id = store.meta("store_id");
    if (!id || !id->empty()) return id;
    std::random_device rd;
    std::string made = fmt::format("{:08x}{:08x}{:08x}{:08x}", rd(), rd(), rd(), rd());
    if (auto st = store.set_meta("store_id", made); !st) return std::unexpected(st.error());
    return made;
}

namespace {
const char* meta_key(Label label) {
    return label == Label::kCve ? "cve_voters_model" : "voters_model";
}
std::string train_command(Label label) {
    return label == Label::kCve ? "stablepick train --label cve" : "stablepick train";
}
}  // namespace

Status save_offline_model(Store& store, const OfflineModel& model, Label label) {
    auto id = store_identity(store);
    if (!id) return std::unexpected(id.error());
    std::string blob = util::zstd_compress(model.to_json(*id).dump());
    std::string model_id = fmt::format("{}-{:016x}", label == Label::kCve ? "cve-voters" : "voters",
                                       XXH3_64bits(blob.data(), blob.size()));
    auto q = store.db().prepare(
        "INSERT OR REPLACE INTO models(id, kind, trained_on, dimension, blob) VALUES(?, ?, ?, ?, "
        "?)");
    if (!q) return std::unexpected(Store::error(q.error(), "save the voters' model"));
    q->bind(1, model_id)
        .bind(2, std::string(label == Label::kCve ? "cve-voters" : "offline-voters"))
        .bind(3, static_cast<int64_t>(model.summary().commits))
        .bind(4, model.summary().embedding_dimension);
    q->bind_blob(5, blob);
    if (auto r = q->step(); !r)
        return std::unexpected(Store::error(r.error(), "save the voters' model"));
    return store.set_meta(meta_key(label), model_id);
}

Status write_offline_model(const std::filesystem::path& path, const OfflineModel& model,
                           const std::string& store_id) {
    // Whole or not at all: a truncated model would be refused by every later --model.
    return util::write_file_atomically(path, util::zstd_compress(model.to_json(store_id).dump()));
}

Result<OfflineModel> load_offline_model(Store& store, Label label) {
    auto id = store.meta(meta_key(label));
    if (!id) return std::unexpected(id.error());
    if (id->empty())
        return fail(ErrorCode::kNotFound,
                    label == Label::kCve
                        ? "no CVE classifier in this store: import CVEs ('stablepick import "
                          "vulns|cve-list|advisories') and run 'stablepick train --label cve'"
                        : "no trained voters in this store: run 'stablepick train'");
    auto q = store.db().prepare("SELECT blob FROM models WHERE id = ?");
    if (!q) return std::unexpected(Store::error(q.error(), "read the voters' model"));
    q->bind(1, *id);
    auto r = q->step();
    if (!r) return std::unexpected(Store::error(r.error(), "read the voters' model"));
    if (!*r)
        return fail(ErrorCode::kCorrupt, fmt::format("the voters' model '{}' is missing: run '{}'",
                                                     *id, train_command(label)));
    return parse_model(q->blob(0), store, "the store");
}

Result<OfflineModel> read_offline_model(const std::filesystem::path& path, Store& store) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::kNotFound, fmt::format("cannot read '{}'", path.string()));
    std::string data(std::istreambuf_iterator<char>(in), {});
    return parse_model(data, store, fmt::format("'{}'", path.string()));
}

Result<CorpusVectors> stored_vectors(Store& store, const Corpus& corpus, const std::string& model) {
    // Precedents found among part of the history would look like an answer: refuse, as
    // `similar` does. (Commits stored since the last embed are embedded by the caller.)
    if (auto whole = check_vectors(store, model); !whole) return std::unexpected(whole.error());
    auto dim = store.db().prepare("SELECT dimension FROM models WHERE id = ?");
    if (!dim) return std::unexpected(Store::error(dim.error(), "read the embedding model"));
    dim->bind(1, model);
    auto found = dim->step();
    if (!found) return std::unexpected(Store::error(found.error(), "read the embedding model"));
    const size_t bytes = *found ? static_cast<size_t>(dim->int64(0)) * sizeof(float) : 0;
    CorpusVectors out(corpus.commits().size());
    auto q = store.db().prepare("SELECT commit_id, vector FROM embeddings WHERE model = ?");
    if (!q) return std::unexpected(Store::error(q.error(), "read embeddings"));
    q->bind(1, model);
    while (true) {
        auto r = q->step();
        if (!r) return std::unexpected(Store::error(r.error(), "read embeddings"));
        if (!*r) break;
        auto i = corpus.index_of_row(q->int64(0));
        if (!i) continue;
        auto blob = q->blob(1);
        if (bytes && blob.size() != bytes)
            return fail(ErrorCode::kCorrupt,
                        fmt::format("a stored vector of model '{}' has {} bytes, not {}: run "
                                    "'stablepick embed --refit'",
                                    model, blob.size(), bytes));
        out[*i] = blob_to_vector(blob);
    }
    return out;
}

}  // namespace stablepick
