#pragma once
// The learned model's features of one commit: what its message, tags, diffstat and history
// say, the precedents' vote, and the commit's embedding. The names are part of a saved model:
// changing what a feature means or their order needs a new kFeatureVersion.
// Pure functions; thread safe.
#include <span>
#include <string>
#include <vector>

#include "stablepick/history/commit_history.hpp"
#include "stablepick/history/evidence.hpp"

namespace stablepick {

inline constexpr int kFeatureVersion = 1;

// Names of the features, the embedding's dimensions last ("embedding_0", …).
std::vector<std::string> feature_names(int embedding_dimension);

std::vector<float> commit_features(const CommitFacts& facts, const Evidence& evidence,
                                   std::span<const float> embedding);

// A maintainer's phrase for a feature pushing the decision: "Fixes: a commit already in stable
// releases", "touches files often backported (31 %)". Empty for features not worth saying.
std::string describe_feature(const std::string& name, float value, bool raises,
                             Label label = Label::kBackport);

// Words of a fix (leak, overflow, NULL, use-after-free, deadlock, …) and of a non-fix
// (cleanup, refactor, new feature) the features count; exposed for tests.
int fix_word_count(const CommitFacts& facts);
bool only_tests(const CommitFacts& facts);
bool only_documentation(const CommitFacts& facts);

}  // namespace stablepick
