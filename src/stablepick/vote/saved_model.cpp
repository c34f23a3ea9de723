#include "stablepick/vote/saved_model.hpp"

#include <fmt/format.h>
#include <xxhash.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>

#include "stablepick/embed/embeddings.hpp"
#include "stablepick/store/model_tables.hpp"
#include "stablepick/store/vector_reads.hpp"
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
    if (auto r =
            store::put_model(store, {.id = model_id,
                                     .kind = label == Label::kCve ? "cve-voters" : "offline-voters",
                                     .trained_on = static_cast<int64_t>(model.summary().commits),
                                     .dimension = model.summary().embedding_dimension,
                                     .blob = std::move(blob)});
        !r)
        return std::unexpected(r.error());
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
    auto blob = store::model_blob(store, *id);
    if (!blob) return std::unexpected(blob.error());
    if (!*blob)
        return fail(ErrorCode::kCorrupt, fmt::format("the voters' model '{}' is missing: run '{}'",
                                                     *id, train_command(label)));
    return parse_model(**blob, store, "the store");
}

Result<OfflineModel> read_offline_model(const std::filesystem::path& path, Store& store) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::kNotFound, fmt::format("cannot read '{}'", path.string()));
    std::string data(std::istreambuf_iterator<char>(in), {});
    return parse_model(data, store, fmt::format("'{}'", path.string()));
}

Result<HistoryVectors> stored_vectors(Store& store, const CommitHistory& history,
                                      const std::string& model) {
    // Precedents found among part of the history would look like an answer: refuse, as
    // `similar` does. (Commits stored since the last embed are embedded by the caller.)
    if (auto whole = check_vectors(store, model); !whole) return std::unexpected(whole.error());
    auto dimension = store::model_dimension(store, model);
    if (!dimension) return std::unexpected(dimension.error());
    if (!*dimension)
        return fail(ErrorCode::kCorrupt,
                    fmt::format("embedding model '{}' is missing from the store: run 'stablepick "
                                "embed --refit'",
                                model));
    HistoryVectors out(history.commits().size());
    auto st = store::for_each_vector(store, {.model = model, .dimension = **dimension},
                                     [&](int64_t row, std::span<const float> v) {
                                         if (auto i = history.index_of_row(row))
                                             out[*i].assign(v.begin(), v.end());
                                     });
    if (!st) return std::unexpected(st.error());
    return out;
}

}  // namespace stablepick
