#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

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
    auto batch = index.search_batch({{1, 0, 0}}, 2);
    EXPECT_EQ(batch[0][0].key, 1);
    EXPECT_EQ(batch[0][1].key, 3);
    auto filtered = index.search(std::vector<float>{1, 0, 0}, 2, [](int64_t k) { return k != 1; });
    EXPECT_EQ(filtered[0].key, 3);
}

}  // namespace
}  // namespace stablepick
