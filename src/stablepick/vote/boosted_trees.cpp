#include "stablepick/vote/boosted_trees.hpp"

#include <fmt/format.h>
#include <xgboost/c_api.h>

#include <algorithm>
#include <thread>

namespace stablepick {
namespace {

Error xgb_error(std::string_view doing, ErrorCode code = ErrorCode::kInternal) {
    return Error{code, fmt::format("cannot {}: xgboost: {}", doing, XGBGetLastError())};
}

// A DMatrix from rows, freed on scope exit.
struct Matrix {
    DMatrixHandle handle = nullptr;
    ~Matrix() {
        if (handle) XGDMatrixFree(handle);
    }
};

Status make_matrix(const std::vector<std::vector<float>>& x, Matrix& out) {
    size_t cols = x.empty() ? 0 : x.front().size();
    std::vector<float> flat;
    flat.reserve(x.size() * cols);
    for (auto& row : x) {
        if (row.size() != cols)
            return fail(ErrorCode::kInternal, "feature rows of different lengths");
        flat.insert(flat.end(), row.begin(), row.end());
    }
    if (XGDMatrixCreateFromMat(flat.data(), x.size(), cols, std::numeric_limits<float>::quiet_NaN(),
                               &out.handle) != 0)
        return std::unexpected(xgb_error("build a feature matrix"));
    return {};
}

void quiet_xgboost() {
    static bool once = [] {
        XGBSetGlobalConfig(R"({"verbosity": 0})");
        return true;
    }();
    (void)once;
}

}  // namespace

BoostedTrees::BoostedTrees(BoostedTrees&& o) noexcept : booster_(o.booster_) {
    o.booster_ = nullptr;
}
BoostedTrees& BoostedTrees::operator=(BoostedTrees&& o) noexcept {
    std::swap(booster_, o.booster_);
    return *this;
}
BoostedTrees::~BoostedTrees() {
    if (booster_) XGBoosterFree(booster_);
}

Result<BoostedTrees> BoostedTrees::train(const std::vector<std::vector<float>>& x,
                                         std::span<const int> y,
                                         const BoostedTreesOptions& options) {
    quiet_xgboost();
    if (x.empty() || x.size() != y.size())
        return fail(ErrorCode::kInvalidInput, "no training rows");
    size_t positives = std::ranges::count(y, 1);
    if (positives == 0 || positives == y.size())
        return fail(ErrorCode::kInvalidInput,
                    "the training rows hold only one class: nothing to learn");
    Matrix m;
    if (auto st = make_matrix(x, m); !st) return std::unexpected(st.error());
    std::vector<float> labels(y.begin(), y.end());
    if (XGDMatrixSetFloatInfo(m.handle, "label", labels.data(), labels.size()) != 0)
        return std::unexpected(xgb_error("set labels"));
    BoosterHandle h = nullptr;
    if (XGBoosterCreate(&m.handle, 1, &h) != 0) return std::unexpected(xgb_error("create a model"));
    BoostedTrees model(h);
    int threads = options.threads > 0
                      ? options.threads
                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::pair<std::string, std::string>> params{
        {"objective", "binary:logistic"},
        {"tree_method", "hist"},
        {"max_depth", std::to_string(options.max_depth)},
        {"eta", fmt::format("{}", options.learning_rate)},
        {"subsample", fmt::format("{}", options.subsample)},
        {"colsample_bytree", fmt::format("{}", options.column_sample)},
        {"min_child_weight", fmt::format("{}", options.min_child_weight)},
        {"nthread", std::to_string(threads)},
        {"seed", std::to_string(options.seed)},
        {"verbosity", "0"},
    };
    for (auto& [k, v] : params)
        if (XGBoosterSetParam(h, k.c_str(), v.c_str()) != 0)
            return std::unexpected(xgb_error("set " + k));
    for (int round = 0; round < options.rounds; ++round)
        if (XGBoosterUpdateOneIter(h, round, m.handle) != 0)
            return std::unexpected(xgb_error("train the model"));
    return model;
}

Result<BoostedTrees> BoostedTrees::load(std::string_view saved) {
    quiet_xgboost();
    BoosterHandle h = nullptr;
    if (XGBoosterCreate(nullptr, 0, &h) != 0) return std::unexpected(xgb_error("create a model"));
    BoostedTrees model(h);
    if (XGBoosterLoadModelFromBuffer(h, saved.data(), saved.size()) != 0)
        return std::unexpected(xgb_error("read the saved model", ErrorCode::kCorrupt));
    return model;
}

Result<std::string> BoostedTrees::save() const {
    bst_ulong len = 0;
    const char* buf = nullptr;
    if (XGBoosterSaveModelToBuffer(booster_, R"({"format": "json"})", &len, &buf) != 0)
        return std::unexpected(xgb_error("save the model"));
    return std::string(buf, len);
}

Result<std::vector<float>> BoostedTrees::run_predict(const std::vector<std::vector<float>>& x,
                                                     int type, size_t& columns_out) const {
    columns_out = 0;
    if (x.empty()) return std::vector<float>{};
    Matrix m;
    if (auto st = make_matrix(x, m); !st) return std::unexpected(st.error());
    std::string config = fmt::format(
        R"({{"type": {}, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false}})",
        type);
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* result = nullptr;
    if (XGBoosterPredictFromDMatrix(booster_, m.handle, config.c_str(), &shape, &dims, &result) !=
        0)
        return std::unexpected(xgb_error("predict"));
    size_t total = 1;
    for (bst_ulong d = 0; d < dims; ++d) total *= shape[d];
    columns_out = dims >= 2 ? shape[dims - 1] : 1;
    return std::vector<float>(result, result + total);
}

Result<std::vector<float>> BoostedTrees::predict(const std::vector<std::vector<float>>& x) const {
    size_t cols = 0;
    return run_predict(x, 0, cols);
}

Result<std::vector<std::vector<float>>> BoostedTrees::contributions(
    const std::vector<std::vector<float>>& x) const {
    size_t cols = 0;
    auto flat = run_predict(x, 2, cols);
    if (!flat) return std::unexpected(flat.error());
    std::vector<std::vector<float>> out;
    for (size_t r = 0; r < x.size(); ++r)
        out.emplace_back(flat->begin() + r * cols, flat->begin() + (r + 1) * cols);
    return out;
}

}  // namespace stablepick
