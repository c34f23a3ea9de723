#include <algorithm>
#include <queue>

#include "stablepick/index/vector_index.hpp"

namespace stablepick {

void ExactIndex::add(int64_t key, std::span<const float> v) {
    keys_.push_back(key);
    data_.insert(data_.end(), v.begin(), v.end());
}

std::vector<Neighbour> ExactIndex::search(std::span<const float> q, size_t k,
                                          const std::function<bool(int64_t)>& keep) const {
    // A min-heap of the best k so far: O(n log k).
    auto worse = [](const Neighbour& a, const Neighbour& b) { return a.similarity > b.similarity; };
    std::priority_queue<Neighbour, std::vector<Neighbour>, decltype(worse)> best(worse);
    const size_t d = static_cast<size_t>(dimension_);
    for (size_t i = 0; i < keys_.size(); ++i) {
        if (keep && !keep(keys_[i])) continue;
        const float* row = data_.data() + i * d;
        float s = 0;
        for (size_t j = 0; j < d; ++j) s += row[j] * q[j];
        if (best.size() < k) best.push({keys_[i], s});
        else if (s > best.top().similarity) {
            best.pop();
            best.push({keys_[i], s});
        }
    }
    std::vector<Neighbour> out;
    while (!best.empty()) {
        out.push_back(best.top());
        best.pop();
    }
    std::ranges::reverse(out);
    return out;
}

}  // namespace stablepick
