#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "stablepick/embed/builtin_model.hpp"
#include "stablepick/index/vector_index.hpp"
#include "stablepick/text/features.hpp"

namespace stablepick {
namespace {

// A small corpus with two obvious topics, so the right neighbours are known.
std::vector<CommitText> corpus() {
    std::vector<CommitText> docs;
    for (int i = 0; i < 30; ++i) {
        docs.push_back({"usb: fix a leak in the hub driver " + std::to_string(i),
                        "The hub leaks urb memory on disconnect.",
                        "+\tusb_free_urb(hub->urb);\n-\thub->urb = NULL;\n",
                        {"drivers/usb/core/hub.c"},
                        {"static void hub_disconnect(struct usb_interface *intf)"}});
        docs.push_back({"sched: fix the load balance race " + std::to_string(i),
                        "The runqueue lock is dropped too early.",
                        "+\traw_spin_lock(&rq->lock);\n",
                        {"kernel/sched/fair.c"},
                        {"static int load_balance(int this_cpu, struct rq *this_rq)"}});
    }
    return docs;
}

TEST(Features, TermsAreHashedSortedAndSkipTrailers) {
    CommitText a{"net: fix",
                 "Body words.\nSigned-off-by: Someone <s@x.org>\nCc: stable@vger.kernel.org",
                 "",
                 {},
                 {}};
    CommitText b{"net: fix", "Body words.", "", {}, {}};
    auto ta = commit_terms(a), tb = commit_terms(b);
    ASSERT_EQ(ta.size(), tb.size());  // trailer lines add nothing: "Cc: stable" can't leak
    for (size_t i = 0; i < ta.size(); ++i) EXPECT_EQ(ta[i].id, tb[i].id);
    EXPECT_TRUE(std::ranges::is_sorted(ta, {}, &Term::id));
    EXPECT_EQ(function_name("static int foo_bar(struct x *y)"), "foo_bar");
    EXPECT_EQ(function_name("struct device_driver *drv"), "drv");
}

TEST(BuiltinModel, FitEmbedRoundTripAndNeighbours) {
    std::vector<std::vector<Term>> docs;
    for (auto& d : corpus()) docs.push_back(commit_terms(d));
    BuiltinFitOptions options;
    options.dimension = 8;
    options.hashed_dimension = 16;
    auto model = BuiltinModel::fit(docs, options);
    ASSERT_TRUE(model.has_value()) << model.error().message;
    EXPECT_EQ(model->dimension(), 24);
    auto v = model->embed(docs[0]);
    double norm = 0;
    for (float x : v) norm += x * x;
    EXPECT_NEAR(norm, 1.0, 1e-4);

    // A stored model embeds exactly as the fitted one.
    auto loaded = BuiltinModel::deserialize(model->serialize());
    ASSERT_TRUE(loaded.has_value());
    EXPECT_EQ(loaded->id(), model->id());
    EXPECT_EQ(loaded->dimension(), model->dimension());
    EXPECT_EQ(loaded->embed(docs[3]), model->embed(docs[3]));
    EXPECT_FALSE(BuiltinModel::deserialize("garbage").has_value());

    // Neighbours of a usb fix are usb fixes.
    ExactIndex index(model->dimension());
    for (size_t i = 2; i < docs.size(); ++i)
        index.add(static_cast<int64_t>(i), model->embed(docs[i]));
    auto best = index.search(model->embed(docs[0]), 5);
    ASSERT_EQ(best.size(), 5u);
    for (auto& n : best) EXPECT_EQ(n.key % 2, 0) << n.key;
}

TEST(BuiltinModel, TooLittleHistory) {
    std::vector<std::vector<Term>> docs(3);
    auto model = BuiltinModel::fit(docs);
    ASSERT_FALSE(model.has_value());
    EXPECT_EQ(model.error().code, ErrorCode::kInvalidInput);
}

TEST(ExactIndex, BatchAgreesWithSingleSearchAndFilters) {
    ExactIndex index(3);
    index.add(1, std::vector<float>{1, 0, 0});
    index.add(2, std::vector<float>{0, 1, 0});
    index.add(3, std::vector<float>{0.7f, 0.7f, 0});
    auto one = index.search(std::vector<float>{1, 0, 0}, 2);
    ASSERT_EQ(one.size(), 2u);
    EXPECT_EQ(one[0].key, 1);
    EXPECT_EQ(one[1].key, 3);
    std::vector<float> query{1, 0, 0};
    std::vector<IndexQuery> queries{{query}};
    auto batch = index.search_batch(queries, 2);
    EXPECT_EQ(batch[0][0].key, 1);
    EXPECT_EQ(batch[0][1].key, 3);
    auto filtered = index.search(query, 2, {.keep = [](int64_t k) { return k != 1; }});
    EXPECT_EQ(filtered[0].key, 3);
}

TEST(ExactIndex, CutsOffAtATimeAndLeavesTheQueryOut) {
    ExactIndex index(2);
    index.add(10, std::vector<float>{1, 0}, 100);
    index.add(11, std::vector<float>{0.8f, 0.6f}, 200);
    index.add(12, std::vector<float>{1, 0}, 300);
    std::vector<float> q{1, 0};
    auto before = index.search(q, 5, {.before = 300});
    ASSERT_EQ(before.size(), 2u);  // 12 was made at the cut-off: not before it
    EXPECT_EQ(before[0].key, 10);
    EXPECT_EQ(before[1].key, 11);
    auto others = index.search(q, 5, {.exclude = 12});
    ASSERT_EQ(others.size(), 2u);
    EXPECT_EQ(others[0].key, 10);
    EXPECT_TRUE(index.search(q, 5, {.before = 100}).empty());
}

TEST(ExactIndex, TiesGoToTheNewerVector) {
    ExactIndex index(2);
    index.add(1, std::vector<float>{1, 0}, 1);
    index.add(2, std::vector<float>{1, 0}, 2);
    auto best = index.search(std::vector<float>{1, 0}, 1);
    ASSERT_EQ(best.size(), 1u);
    EXPECT_EQ(best[0].key, 2);
}

TEST(ExactIndex, CutOffWorksWhenAddedOutOfTimeOrder) {
    ExactIndex index(2);
    index.add(1, std::vector<float>{1, 0}, 300);
    index.add(2, std::vector<float>{0.6f, 0.8f}, 100);
    auto best = index.search(std::vector<float>{1, 0}, 5, {.before = 200});
    ASSERT_EQ(best.size(), 1u);
    EXPECT_EQ(best[0].key, 2);
}

// A query's answer must not depend on the other queries of its batch (a backtest's precedents
// would change with the test window otherwise).
TEST(ExactIndex, BatchAnswersAreTheSingleAnswersWhateverTheBatch) {
    const int dim = 16;
    std::mt19937 rng(7);
    std::normal_distribution<float> normal;
    auto unit = [&] {
        std::vector<float> v(dim);
        float n = 0;
        for (auto& x : v) {
            x = normal(rng);
            n += x * x;
        }
        for (auto& x : v) x /= std::sqrt(n);
        return v;
    };
    ExactIndex index(dim);
    for (int i = 0; i < 3000; ++i) index.add(i, unit(), i);
    std::vector<std::vector<float>> vectors;
    std::vector<IndexQuery> queries;
    for (int q = 0; q < 700; ++q) vectors.push_back(unit());
    for (int q = 0; q < 700; ++q) queries.push_back({vectors[q], 100 + q * 4, q % 50});
    auto batch = index.search_batch(queries, 10);
    std::vector<IndexQuery> alone{queries[350]};
    auto small = index.search_batch(alone, 10);
    for (size_t q : {size_t(0), size_t(350), size_t(699)}) {
        auto one = index.search(vectors[q], 10, {queries[q].before, queries[q].exclude, {}});
        ASSERT_EQ(one.size(), batch[q].size());
        for (size_t r = 0; r < one.size(); ++r) {
            EXPECT_EQ(one[r].key, batch[q][r].key);
            EXPECT_LT(one[r].key, queries[q].before);  // keys are the times here
            EXPECT_NE(one[r].key, queries[q].exclude);
        }
    }
    ASSERT_EQ(small[0].size(), batch[350].size());
    for (size_t r = 0; r < small[0].size(); ++r) EXPECT_EQ(small[0][r].key, batch[350][r].key);
}

}  // namespace
}  // namespace stablepick
