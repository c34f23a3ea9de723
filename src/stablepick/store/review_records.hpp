#pragma once
// The tables of what people and models said: recorded reviews, maintainers' decisions, and the
// LLM request cache. The stages that use them (stable/decisions, llm/cache) keep their own
// types; the SQL is here.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <optional>
#include <string>
#include <vector>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

struct DecisionRow {
    std::string commit, branch, decision, reason, reviewer;
    int64_t time = 0;
    // The stable commit on that branch that carries the commit: nullopt when none is known, ""
    // when a label has no stable commit (a ChangeLog names only the upstream id).
    std::optional<std::string> carried_by;
};

// Replaces the decision for (commit, branch).
Status put_decision(Store& store, const DecisionRow& row);
// The decisions on `commit`, by branch.
Result<std::vector<DecisionRow>> decisions_on(Store& store, const std::string& commit);

Status put_review(Store& store, const std::string& commit, int64_t time, const std::string& version,
                  double probability, bool selected, const std::string& result_json);
Result<int64_t> count_reviews(Store& store, const std::string& commit);

// The cached answer for (provider, model, prompt hash); nullopt when there is none.
Result<std::optional<std::string>> cached_answer(Store& store, const std::string& provider,
                                                 const std::string& model,
                                                 const std::string& prompt_hash);
Status put_cached_answer(Store& store, const std::string& provider, const std::string& model,
                         const std::string& prompt_hash, const std::string& answer,
                         int64_t created);

}  // namespace stablepick::store
