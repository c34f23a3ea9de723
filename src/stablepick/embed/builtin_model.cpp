#include "stablepick/embed/builtin_model.hpp"

#include <fmt/format.h>
#include <xxhash.h>

#include <Eigen/Dense>
#include <Eigen/Sparse>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

namespace stablepick {
namespace {

constexpr uint32_t kMagic = 0x53504d32;  // "SPM2"

template <typename T>
void put(std::string& out, const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
bool get(std::string_view& in, T& v) {
    if (in.size() < sizeof v) return false;
    std::memcpy(&v, in.data(), sizeof v);
    in.remove_prefix(sizeof v);
    return true;
}

}  // namespace

std::vector<std::pair<uint32_t, float>> BuiltinModel::tfidf(const std::vector<Term>& terms) const {
    std::vector<std::pair<uint32_t, float>> out;
    double norm = 0;
    for (auto& t : terms) {
        auto it = std::ranges::lower_bound(columns_, t.id);
        if (it == columns_.end() || *it != t.id) continue;
        auto col = static_cast<uint32_t>(it - columns_.begin());
        // Sublinear term frequency: the tenth mention of a word says less than the first.
        float w = (1.0f + std::log(std::max(1.0f, t.count))) * idf_[col];
        out.emplace_back(col, w);
        norm += double(w) * w;
    }
    if (norm > 0) {
        float inv = static_cast<float>(1.0 / std::sqrt(norm));
        for (auto& [_, w] : out) w *= inv;
    }
    return out;
}

std::vector<float> BuiltinModel::embed(const std::vector<Term>& terms) const {
    std::vector<float> v(dimension(), 0.0f);
    for (auto& [col, w] : tfidf(terms)) {
        const float* row = projection_.data() + size_t(col) * dimension_;
        for (int d = 0; d < dimension_; ++d) v[d] += w * row[d];
        if (hashed_dimension_ > 0) {
            uint64_t h = XXH3_64bits(&columns_[col], sizeof(uint32_t));
            v[dimension_ + (h >> 1) % hashed_dimension_] += (h & 1) ? w : -w;
        }
    }
    // Each part is normalised on its own and weighs half, so neither drowns the other.
    auto normalise = [&](size_t from, size_t to, double weight) {
        double norm = 0;
        for (size_t i = from; i < to; ++i) norm += double(v[i]) * v[i];
        if (norm <= 0) return;
        float scale = static_cast<float>(std::sqrt(weight / norm));
        for (size_t i = from; i < to; ++i) v[i] *= scale;
    };
    double learned_weight = hashed_dimension_ > 0 ? 0.5 : 1.0;
    normalise(0, dimension_, learned_weight);
    normalise(dimension_, v.size(), 1.0 - learned_weight);
    double norm = 0;
    for (float x : v) norm += double(x) * x;
    if (norm > 0) {
        float inv = static_cast<float>(1.0 / std::sqrt(norm));
        for (float& x : v) x *= inv;
    }
    return v;
}

Result<BuiltinModel> BuiltinModel::fit(std::span<const std::vector<Term>> docs,
                                       const BuiltinFitOptions& opt) {
    if (docs.size() < 10)
        return fail(
            ErrorCode::kInvalidInput,
            fmt::format("too few commits to learn from ({}, at least 10 are needed)", docs.size()));
    // Vocabulary: the most frequent terms by document frequency.
    std::vector<uint32_t> df(kTermSpace, 0);
    for (auto& d : docs)
        for (auto& t : d) ++df[t.id];
    std::vector<uint32_t> candidates;
    for (uint32_t id = 0; id < kTermSpace; ++id)
        if (df[id] >= static_cast<uint32_t>(opt.min_document_frequency)) candidates.push_back(id);
    if (candidates.size() > opt.max_vocabulary) {
        std::ranges::nth_element(
            candidates, candidates.begin() + opt.max_vocabulary,
            [&](uint32_t a, uint32_t b) { return df[a] != df[b] ? df[a] > df[b] : a < b; });
        candidates.resize(opt.max_vocabulary);
    }
    std::ranges::sort(candidates);
    BuiltinModel m;
    m.columns_ = candidates;
    m.idf_.resize(candidates.size());
    for (size_t c = 0; c < candidates.size(); ++c)
        m.idf_[c] =
            static_cast<float>(std::log((1.0 + docs.size()) / (1.0 + df[candidates[c]])) + 1.0);
    const int vocab = static_cast<int>(candidates.size());
    const int dim = std::min<int>(
        opt.dimension, std::max(1, std::min<int>(vocab, static_cast<int>(docs.size())) - 1));
    m.dimension_ = dim;
    m.hashed_dimension_ = std::max(0, opt.hashed_dimension);

    // X: documents x vocabulary, TF-IDF rows.
    using Sparse = Eigen::SparseMatrix<float, Eigen::RowMajor>;
    std::vector<Eigen::Triplet<float>> triplets;
    for (size_t r = 0; r < docs.size(); ++r)
        for (auto& [c, w] : m.tfidf(docs[r]))
            triplets.emplace_back(static_cast<int>(r), static_cast<int>(c), w);
    Sparse x(static_cast<int>(docs.size()), vocab);
    x.setFromTriplets(triplets.begin(), triplets.end());
    triplets = {};

    // Randomized SVD (Halko, Martinsson, Tropp): a Gaussian sketch of X's row space, refined
    // by power iterations, then an exact SVD of the small projected matrix.
    const int k = std::min(vocab, dim + 10);
    std::mt19937_64 rng(opt.seed);
    std::normal_distribution<float> normal;
    Eigen::MatrixXf omega(vocab, k);
    for (int j = 0; j < k; ++j)
        for (int i = 0; i < vocab; ++i) omega(i, j) = normal(rng);
    Eigen::MatrixXf y = x * omega;  // n x k
    auto orthonormal = [](const Eigen::MatrixXf& a) {
        Eigen::HouseholderQR<Eigen::MatrixXf> qr(a);
        // The thin Q only: applying the reflectors to k columns, never forming the n x n Q.
        Eigen::MatrixXf thin = Eigen::MatrixXf::Identity(a.rows(), a.cols());
        qr.householderQ().applyThisOnTheLeft(thin);
        return thin;
    };
    Eigen::MatrixXf q = orthonormal(y);
    for (int it = 0; it < opt.power_iterations; ++it) {
        Eigen::MatrixXf z = orthonormal(Eigen::MatrixXf(x.transpose() * q));  // vocab x k
        q = orthonormal(Eigen::MatrixXf(x * z));
    }
    Eigen::MatrixXf b = Eigen::MatrixXf(x.transpose() * q).transpose();  // k x vocab
    Eigen::JacobiSVD<Eigen::MatrixXf> svd(b * b.transpose(), Eigen::ComputeFullU);
    // B Bᵀ = U S² Uᵀ; right singular vectors V = Bᵀ U S⁻¹. Keeping V (not V S⁻¹) weighs each
    // direction by how much of the corpus it explains.
    Eigen::MatrixXf u = svd.matrixU().leftCols(dim);
    Eigen::VectorXf s2 = svd.singularValues().head(dim);
    Eigen::MatrixXf v = b.transpose() * u;  // vocab x dim, columns scaled by S
    for (int d = 0; d < dim; ++d) {
        float sv = std::sqrt(std::max(s2(d), 1e-12f));
        v.col(d) /= sv;             // unit right singular vectors
        v.col(d) *= std::sqrt(sv);  // mild weighting by importance
    }
    m.projection_.resize(size_t(vocab) * dim);
    for (int i = 0; i < vocab; ++i)
        for (int d = 0; d < dim; ++d) m.projection_[size_t(i) * dim + d] = v(i, d);
    uint64_t h = XXH3_64bits(m.projection_.data(), m.projection_.size() * sizeof(float));
    m.id_ = fmt::format("builtin:lsa{}+hash{}-{:016x}", dim, m.hashed_dimension_, h);
    return m;
}

std::string BuiltinModel::serialize() const {
    std::string out;
    put(out, kMagic);
    uint32_t id_size = static_cast<uint32_t>(id_.size()),
             vocab = static_cast<uint32_t>(columns_.size());
    int32_t dim = dimension_, hashed = hashed_dimension_;
    put(out, id_size);
    out += id_;
    put(out, dim);
    put(out, hashed);
    put(out, vocab);
    out.append(reinterpret_cast<const char*>(columns_.data()), columns_.size() * sizeof(uint32_t));
    out.append(reinterpret_cast<const char*>(idf_.data()), idf_.size() * sizeof(float));
    out.append(reinterpret_cast<const char*>(projection_.data()),
               projection_.size() * sizeof(float));
    return out;
}

Result<BuiltinModel> BuiltinModel::deserialize(std::string_view in) {
    auto corrupt = [] {
        return fail(
            ErrorCode::kCorrupt,
            "the stored builtin embedding model is damaged: run 'stablepick embed --refit'");
    };
    uint32_t magic = 0, id_size = 0, vocab = 0;
    int32_t dim = 0, hashed = 0;
    if (!get(in, magic) || magic != kMagic || !get(in, id_size) || in.size() < id_size)
        return corrupt();
    BuiltinModel m;
    m.id_ = std::string(in.substr(0, id_size));
    in.remove_prefix(id_size);
    if (!get(in, dim) || !get(in, hashed) || !get(in, vocab) || dim <= 0 || hashed < 0)
        return corrupt();
    size_t need = size_t(vocab) * 4 * 2 + size_t(vocab) * dim * 4;
    if (in.size() != need) return corrupt();
    m.dimension_ = dim;
    m.hashed_dimension_ = hashed;
    m.columns_.resize(vocab);
    m.idf_.resize(vocab);
    m.projection_.resize(size_t(vocab) * dim);
    std::memcpy(m.columns_.data(), in.data(), vocab * 4);
    std::memcpy(m.idf_.data(), in.data() + vocab * 4, vocab * 4);
    std::memcpy(m.projection_.data(), in.data() + vocab * 8, m.projection_.size() * 4);
    return m;
}

}  // namespace stablepick
