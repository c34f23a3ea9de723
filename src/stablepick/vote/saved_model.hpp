#pragma once
// The offline voters' model in the store (models table, kind "offline-voters", the current one
// named by meta "voters_model"; the CVE classifier's: kind "cve-voters", meta "cve_voters_model"),
// or in a file that `train --output` writes and `review --model` reads. A model is tied to the
// store it was trained on (meta "store_id").
#include <filesystem>
#include <string>

#include "stablepick/store/store.hpp"
#include "stablepick/vote/offline_model.hpp"

namespace stablepick {

// The store's identity, made on first use. REQUIRES: a store opened for writing when it has none.
Result<std::string> store_identity(Store& store);

Status save_offline_model(Store& store, const OfflineModel& model, Label label = Label::kBackport);
Status write_offline_model(const std::filesystem::path& path, const OfflineModel& model,
                           const std::string& store_id);
// kNotFound (saying to run `stablepick train`) when none was saved.
Result<OfflineModel> load_offline_model(Store& store, Label label = Label::kBackport);
Result<OfflineModel> read_offline_model(const std::filesystem::path& path, Store& store);

// The stored vectors of `model` for the history's commits (empty where none).
Result<HistoryVectors> stored_vectors(Store& store, const CommitHistory& history,
                                      const std::string& model);

}  // namespace stablepick
