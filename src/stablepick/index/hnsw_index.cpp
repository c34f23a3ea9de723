#include "stablepick/index/hnsw_index.hpp"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace stablepick {
namespace {

// Stored vector: int8 components, then the float scale that maps them back.
struct Int8Layout {
    size_t dim;
    size_t bytes() const { return dim + sizeof(float); }
};

float int8_distance(const void* a, const void* b, const void* param) {
    size_t dim = static_cast<const Int8Layout*>(param)->dim;
    auto* x = static_cast<const int8_t*>(a);
    auto* y = static_cast<const int8_t*>(b);
    int32_t dot = 0;
    for (size_t i = 0; i < dim; ++i) dot += int32_t(x[i]) * int32_t(y[i]);
    float sx, sy;
    std::memcpy(&sx, x + dim, sizeof sx);
    std::memcpy(&sy, y + dim, sizeof sy);
    return 1.0f - float(dot) * sx * sy;  // smaller is closer, as hnswlib wants
}

class Int8Space : public hnswlib::SpaceInterface<float> {
  public:
    explicit Int8Space(size_t dim) : layout_{dim} {}
    size_t get_data_size() override { return layout_.bytes(); }
    hnswlib::DISTFUNC<float> get_dist_func() override { return int8_distance; }
    void* get_dist_func_param() override { return &layout_; }

  private:
    Int8Layout layout_;
};

std::vector<char> quantize(std::span<const float> v) {
    float max_abs = 0;
    for (float x : v) max_abs = std::max(max_abs, std::fabs(x));
    float scale = max_abs > 0 ? max_abs / 127.0f : 1.0f;
    std::vector<char> out(v.size() + sizeof(float));
    for (size_t i = 0; i < v.size(); ++i)
        out[i] = static_cast<char>(static_cast<int8_t>(std::lround(v[i] / scale)));
    std::memcpy(out.data() + v.size(), &scale, sizeof scale);
    return out;
}

}  // namespace

struct HnswIndex::Impl {
    Int8Space space;
    hnswlib::HierarchicalNSW<float> graph;
    std::mutex times_mutex;
    std::unordered_map<int64_t, int64_t> times;  // key -> the time it was added with
    Impl(int dim, const HnswOptions& o)
        : space(static_cast<size_t>(dim)),
          graph(&space, o.max_elements, o.m, o.ef_construction, o.seed) {
        graph.setEf(o.ef_search);
    }
};

HnswIndex::HnswIndex(int dimension, const HnswOptions& options)
    : dimension_(dimension), impl_(std::make_unique<Impl>(dimension, options)) {}

HnswIndex::~HnswIndex() = default;

void HnswIndex::add(int64_t key, std::span<const float> vector, int64_t time) {
    auto q = quantize(vector);
    {
        std::lock_guard lock(impl_->times_mutex);
        impl_->times[key] = time;
    }
    impl_->graph.addPoint(q.data(), static_cast<hnswlib::labeltype>(key));
}

std::vector<Neighbour> HnswIndex::search(std::span<const float> query, size_t k,
                                         const SearchFilter& filter) const {
    auto q = quantize(query);
    std::function<bool(int64_t)> keep;
    if (filter.keep || filter.exclude != kNoKey ||
        filter.before != std::numeric_limits<int64_t>::max())
        keep = [&](int64_t key) {
            return key != filter.exclude && impl_->times.at(key) < filter.before &&
                   (!filter.keep || filter.keep(key));
        };
    // hnswlib 0.6 has no filter: ask for more and filter after, widening until enough.
    size_t want = keep ? k * 4 : k;
    std::vector<Neighbour> out;
    while (true) {
        auto found = impl_->graph.searchKnn(q.data(), std::min(want, size()));
        out.clear();
        while (!found.empty()) {
            auto [distance, label] = found.top();
            found.pop();
            int64_t key = static_cast<int64_t>(label);
            if (!keep || keep(key)) out.push_back({key, 1.0f - distance});
        }
        std::ranges::reverse(out);
        if (out.size() >= k || want >= size()) break;
        want *= 4;
    }
    if (out.size() > k) out.resize(k);
    return out;
}

size_t HnswIndex::size() const {
    return impl_->graph.cur_element_count;
}

void HnswIndex::set_ef(size_t ef) {
    impl_->graph.setEf(ef);
}

double HnswIndex::bytes_per_vector() const {
    auto& g = impl_->graph;
    size_t n = std::max<size_t>(1, g.cur_element_count);
    double upper = 0;
    for (size_t i = 0; i < g.cur_element_count; ++i)
        upper += g.element_levels_[i] * g.size_links_per_element_;
    // Bottom layer (links, data, label), upper layers, and the label lookup table entry.
    // (hnswlib also keeps one mutex per element for concurrent inserts.)
    return double(g.size_data_per_element_) + upper / n + sizeof(void*) + 2 * sizeof(size_t) +
           sizeof(std::mutex);
}

}  // namespace stablepick
