#include "stablepick/embed/builtin_embedder.hpp"

#include <algorithm>
#include <thread>

namespace stablepick {

Result<std::vector<std::vector<float>>> BuiltinEmbedder::embed(std::span<const CommitText> commits,
                                                               const FinishedVectors& finished) {
    std::vector<std::vector<float>> out(commits.size());
    // A commit's terms cost more than its vector: both are made on every core.
    unsigned threads = static_cast<unsigned>(std::clamp<size_t>(
        commits.size() / 64, 1, std::max(1u, std::thread::hardware_concurrency())));
    {
        std::vector<std::jthread> workers;
        for (unsigned t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                for (size_t i = t; i < commits.size(); i += threads)
                    out[i] = model_->embed(commit_terms(commits[i]));
            });
    }
    if (finished && !out.empty()) finished(0, out);
    return out;
}

const BuiltinModel* builtin_model_of(const Embedder& embedder) {
    auto* builtin = dynamic_cast<const BuiltinEmbedder*>(&embedder);
    return builtin ? &builtin->model() : nullptr;
}

}  // namespace stablepick
