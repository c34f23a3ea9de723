#include "stablepick/stable/decisions.hpp"

#include <nlohmann/json.hpp>

#include "stablepick/core/version.hpp"
#include "stablepick/store/review_records.hpp"

namespace stablepick::stable {

Status record_decision(Store& store, const Decision& d) {
    return store::put_decision(
        store, {d.commit, d.branch, d.decision, d.reason, d.reviewer, d.time, std::nullopt});
}

Result<std::vector<Decision>> decisions_for(Store& store, const std::string& commit) {
    auto rows = store::decisions_on(store, commit);
    if (!rows) return std::unexpected(rows.error());
    std::vector<Decision> out;
    for (auto& r : *rows) {
        Decision d{commit, r.branch, r.decision, r.reason, r.reviewer, r.time, {}};
        if (d.decision == "take" && r.carried_by)
            d.confirmed_by = r.carried_by->empty() ? "a stable commit" : *r.carried_by;
        out.push_back(std::move(d));
    }
    return out;
}

Status record_review(Store& store, const std::string& commit, int64_t time, double probability,
                     bool selected, const nlohmann::json& result) {
    return store::put_review(store, commit, time, std::string(kVersion), probability, selected,
                             result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<int64_t> review_count(Store& store, const std::string& commit) {
    return store::count_reviews(store, commit);
}

}  // namespace stablepick::stable
