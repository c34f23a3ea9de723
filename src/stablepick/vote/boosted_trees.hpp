#pragma once
// Gradient-boosted trees (xgboost's C API) for a yes/no answer: train, predict, explain, save.
//
// Thread safety: one thread at a time per model. Moves own the booster; copies are not allowed.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"

namespace stablepick {

struct BoostedTreesOptions {
    int rounds = 300;
    int max_depth = 5;
    double learning_rate = 0.05;
    double subsample = 0.8;
    double column_sample = 0.6;
    double min_child_weight = 3;
    int threads = 0;  // 0: all cores
    int seed = 1;
};

class BoostedTrees {
  public:
    // REQUIRES: every row of `x` has the same length; y holds 0 or 1. kInvalidInput when a
    // class is missing or there are no rows.
    static Result<BoostedTrees> train(const std::vector<std::vector<float>>& x,
                                      std::span<const int> y,
                                      const BoostedTreesOptions& options = {});
    // From save()'s bytes. kCorrupt when xgboost cannot read them.
    static Result<BoostedTrees> load(std::string_view saved);
    Result<std::string> save() const;  // xgboost's JSON model

    // Probability of class 1 per row.
    Result<std::vector<float>> predict(const std::vector<std::vector<float>>& x) const;
    // Per row, each feature's contribution to the log-odds (SHAP values), the bias last.
    Result<std::vector<std::vector<float>>> contributions(
        const std::vector<std::vector<float>>& x) const;

    BoostedTrees(BoostedTrees&&) noexcept;
    BoostedTrees& operator=(BoostedTrees&&) noexcept;
    ~BoostedTrees();

  private:
    explicit BoostedTrees(void* booster) : booster_(booster) {}
    Result<std::vector<float>> run_predict(const std::vector<std::vector<float>>& x, int type,
                                           size_t& columns_out) const;
    void* booster_ = nullptr;
};

}  // namespace stablepick
