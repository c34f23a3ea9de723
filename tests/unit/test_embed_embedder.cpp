// The Embedder interface with both backends (the builtin model, an OpenAI-compatible server
// speaking the real /v1/embeddings protocol), and the store's current embedder: builtin by
// default, another one current only once every commit has its vector.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "stablepick/embed/builtin_embedder.hpp"
#include "stablepick/embed/embedder.hpp"
#include "stablepick/embed/embeddings.hpp"
#include "stablepick/embed/openai_embedder.hpp"
#include "stablepick/store/vector_reads.hpp"
#include "support/fixture_repo.hpp"
#include "support/llm_server.hpp"
#include "support/test_store.hpp"

namespace stablepick {
namespace {

using testing::LlmServer;
using testing::TempDir;

CommitText text_of(int i) {
    bool usb = i % 2 == 0;
    return {usb ? "usb: fix a leak in the hub driver " + std::to_string(i)
                : "sched: fix the load balance race " + std::to_string(i),
            usb ? "The hub leaks urb memory on disconnect.\n\nSigned-off-by: Dev <d@x.org>"
                : "The runqueue lock is dropped too early.\n\nCc: stable@vger.kernel.org",
            usb ? "+\tusb_free_urb(hub->urb);\n" : "+\traw_spin_lock(&rq->lock);\n",
            {usb ? "drivers/usb/core/hub.c" : "kernel/sched/fair.c"},
            {usb ? "static void hub_disconnect(struct usb_interface *intf)"
                 : "static int load_balance(int this_cpu, struct rq *this_rq)"}};
}

std::vector<CommitText> texts(int n) {
    std::vector<CommitText> out;
    for (int i = 0; i < n; ++i) out.push_back(text_of(i));
    return out;
}

double norm(const std::vector<float>& v) {
    double sum = 0;
    for (float x : v) sum += double(x) * x;
    return std::sqrt(sum);
}

BuiltinModel fitted(int dimension = 8) {
    std::vector<std::vector<Term>> docs;
    for (auto& t : texts(40)) docs.push_back(commit_terms(t));
    BuiltinFitOptions options;
    options.dimension = dimension;
    auto model = BuiltinModel::fit(docs, options);
    EXPECT_TRUE(model.has_value()) << model.error().message;
    return std::move(*model);
}

LlmServer embeddings_server() {
    return LlmServer(LlmServer::Kind::kOpenAi,
                     [](const nlohmann::json&, int) { return LlmServer::Reply{.text = "unused"}; });
}

std::unique_ptr<Embedder> server_embedder(const LlmServer& server, size_t batch = 3) {
    auto options = parse_openai_url(server.url("embed-model"));
    EXPECT_TRUE(options.has_value()) << options.error().message;
    options->batch_size = batch;
    options->concurrency = 2;
    options->backoff = std::chrono::milliseconds(1);
    return std::make_unique<OpenAiEmbedder>(std::move(*options));
}

TEST(Embedder, BuiltinIsTheModelBehindTheInterface) {
    BuiltinModel model = fitted();
    std::unique_ptr<Embedder> embedder = std::make_unique<BuiltinEmbedder>(model);
    EXPECT_EQ(embedder->id(), model.id());
    EXPECT_EQ(embedder->url(), "builtin:");
    EXPECT_EQ(embedder->dimension(), model.dimension());
    EXPECT_EQ(builtin_model_of(*embedder), &static_cast<BuiltinEmbedder&>(*embedder).model());

    auto commits = texts(300);  // enough to run on several threads
    size_t handed_over = 0;
    auto v = embedder->embed(commits, [&](size_t first, std::span<const std::vector<float>> part) {
        EXPECT_EQ(first, handed_over);
        handed_over += part.size();
    });
    ASSERT_TRUE(v.has_value()) << v.error().message;
    ASSERT_EQ(v->size(), commits.size());
    EXPECT_EQ(handed_over, commits.size());
    for (size_t i = 0; i < commits.size(); ++i) {
        // Exactly what the model makes of the commit's terms, in order.
        EXPECT_EQ((*v)[i], model.embed(commit_terms(commits[i]))) << i;
        EXPECT_NEAR(norm((*v)[i]), 1.0, 1e-4);
    }
    auto none = embedder->embed({});
    ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->empty());
}

TEST(Embedder, ServerBehindTheInterface) {
    auto server = embeddings_server();
    auto embedder = server_embedder(server);
    EXPECT_EQ(builtin_model_of(*embedder), nullptr);
    std::string authority = server.url().substr(9, server.url().rfind('/') - 9);
    EXPECT_EQ(embedder->id(), "openai:" + authority + "/embed-model");
    EXPECT_EQ(embedder->url(), server.url("embed-model"));
    EXPECT_FALSE(embedder->dimension().has_value());  // known from the first answer

    auto commits = texts(7);
    std::vector<size_t> firsts;
    auto v = embedder->embed(commits, [&](size_t first, std::span<const std::vector<float>>) {
        firsts.push_back(first);
    });
    ASSERT_TRUE(v.has_value()) << v.error().message;
    ASSERT_EQ(v->size(), 7u);
    EXPECT_EQ(firsts, (std::vector<size_t>{0, 3, 6}));  // batches of 3, handed over in order
    EXPECT_EQ(server.embedding_requests(), 3);
    EXPECT_EQ(embedder->dimension(), 32);
    for (auto& x : *v) EXPECT_NEAR(norm(x), 1.0, 1e-4);
    // Same topic, nearer vectors.
    auto dot = [&](size_t a, size_t b) {
        double d = 0;
        for (size_t i = 0; i < (*v)[a].size(); ++i) d += double((*v)[a][i]) * (*v)[b][i];
        return d;
    };
    EXPECT_GT(dot(0, 2), dot(0, 1));
    // The server read each commit's server_text: trailers dropped, the files named.
    // Batches are sent concurrently, so the server may read them in any order.
    auto inputs = server.embedding_inputs();
    std::vector<std::string> expected;
    for (auto& c : commits) expected.push_back(server_text(c));
    std::ranges::sort(inputs);
    std::ranges::sort(expected);
    EXPECT_EQ(inputs, expected);
    std::string first = server_text(commits[0]);
    EXPECT_NE(first.find("file: drivers/usb/core/hub.c"), std::string::npos) << first;
    EXPECT_EQ(first.find("Signed-off-by"), std::string::npos) << first;
    EXPECT_EQ(server_text(commits[1]).find("Cc: stable"), std::string::npos);

    // Vectors of another size than those it made before are refused.
    server.embedding_dimension = 16;
    auto other = embedder->embed(std::span<const CommitText>(commits).first(1));
    ASSERT_FALSE(other.has_value());
    EXPECT_EQ(other.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(other.error().message.find("16 dimensions, expected 32"), std::string::npos)
        << other.error().message;

    server.embedding_status = 503;
    auto down = embedder->embed(std::span<const CommitText>(commits).first(1));
    ASSERT_FALSE(down.has_value());
    EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
}

TEST(Embedder, ServerTextDropsTrailersAndCutsTheDiff) {
    CommitText t{"net: fix",
                 "Why it broke.\nSigned-off-by: A <a@x.org>\nLink: https://x/1\nNote: kept? no",
                 std::string(10000, 'd'),
                 {"net/core/dev.c"},
                 {}};
    std::string s = server_text(t);
    EXPECT_EQ(s.find("net: fix\n\nWhy it broke.\n"), 0u) << s;
    EXPECT_EQ(s.find("Signed-off-by"), std::string::npos);
    EXPECT_EQ(s.find("Link:"), std::string::npos);
    EXPECT_NE(s.find("file: net/core/dev.c\n"), std::string::npos);
    EXPECT_EQ(std::ranges::count(s, 'd') - std::ranges::count(std::string("net/core/dev.c"), 'd'),
              6000);
}

// A store of 12 main commits, two topics.
class CurrentEmbedder : public ::testing::Test {
  protected:
    void SetUp() override {
        auto location = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location);
        auto s = Store::open(location, Store::Mode::kWrite);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_.emplace(std::move(*s));
        auto main = store_->ensure_branch("master", BranchKind::kMain);
        ASSERT_TRUE(main.has_value());
        for (int i = 0; i < 12; ++i) {
            CommitText t = text_of(i);
            Commit c;
            c.id = std::string(39, 'a') + "0123456789ab"[i];
            c.subject = t.subject;
            c.body = t.body;
            c.commit_time = 1000 + i;
            c.parent_count = 1;
            c.files.push_back({t.paths[0], "", 'M', 1, 0, false, false});
            auto row = store_->insert_commit(c, "");
            ASSERT_TRUE(row.has_value()) << row.error().message;
            ASSERT_TRUE(store_->add_to_branch(*main, *row));
            rows_.push_back(*row);
        }
    }
    TempDir dir_;
    std::optional<Store> store_;
    std::vector<int64_t> rows_;
};

TEST_F(CurrentEmbedder, BuiltinByDefaultAndAServerOnceItsVectorsAreWhole) {
    // A store that names no embedder (as every store did before one was recorded) and has no
    // builtin model yet.
    EXPECT_EQ(current_embedder_url(*store_).value(), "builtin:");
    auto none = open_current_embedder(*store_, {});
    ASSERT_FALSE(none.has_value());
    EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
    EXPECT_NE(none.error().message.find("stablepick embed"), std::string::npos);

    auto model = fit_and_store_model(*store_, {.dimension = 4});
    ASSERT_TRUE(model.has_value()) << model.error().message;
    BuiltinEmbedder builtin(*model);
    auto first = embed_missing(*store_, builtin, {.quiet = true});
    ASSERT_TRUE(first.has_value()) << first.error().message;
    EXPECT_EQ(first->embedded, 12);
    EXPECT_FALSE(first->made_current);                // it was already
    EXPECT_EQ(store_->meta("embedder").value(), "");  // nothing written for the default
    auto opened = open_current_embedder(*store_, {});
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    EXPECT_EQ((*opened)->id(), model->id());

    // A server that fails midway keeps what it finished and does not become current.
    auto server = embeddings_server();
    std::string url = server.url("embed-model");
    EmbedConfig config;
    config.batch = 5;
    config.concurrency = 1;
    config.max_attempts = 1;
    auto embedder = open_embedder(*store_, url, config);
    ASSERT_TRUE(embedder.has_value()) << embedder.error().message;
    const std::string id = (*embedder)->id();
    server.embedding_status = 500;
    server.embedding_fail_from = 3;  // two batches of five are answered
    auto failed = embed_missing(*store_, **embedder, {.quiet = true, .api_key_env = "EMBED_KEY"});
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(failed.error().message.find("10 commits embedded before it are kept"),
              std::string::npos)
        << failed.error().message;
    EXPECT_EQ(store::vector_coverage(*store_, id).value().with_vector, 10);
    EXPECT_EQ(current_embedder_url(*store_).value(), "builtin:");
    EXPECT_FALSE(check_vectors(*store_, id).has_value());  // not whole: never searched

    server.embedding_status = 0;
    auto done = embed_missing(*store_, **embedder, {.quiet = true, .api_key_env = "EMBED_KEY"});
    ASSERT_TRUE(done.has_value()) << done.error().message;
    EXPECT_EQ(done->embedded, 2);
    EXPECT_EQ(done->cached, 10);
    EXPECT_TRUE(done->made_current);
    EXPECT_EQ(current_embedder_url(*store_).value(), url);
    EXPECT_EQ(store_->meta("embedder_key_env").value(), "EMBED_KEY");  // the name, not a key
    EXPECT_EQ(check_vectors(*store_, id).value(), "");
    int requests = server.embedding_requests();
    auto current = open_current_embedder(*store_, {});
    ASSERT_TRUE(current.has_value()) << current.error().message;
    EXPECT_EQ((*current)->id(), id);
    EXPECT_EQ((*current)->dimension(), 32);  // from the store, before any request
    EXPECT_EQ(server.embedding_requests(), requests);
    // Stored vectors need no key: an unset variable fails only a request.
    ::unsetenv("EMBED_KEY");
    auto one = (*current)->embed(std::vector<CommitText>{text_of(0)});
    ASSERT_FALSE(one.has_value());
    EXPECT_EQ(one.error().code, ErrorCode::kNotFound);
    EXPECT_NE(one.error().message.find("EMBED_KEY"), std::string::npos) << one.error().message;
    EXPECT_EQ(server.embedding_requests(), requests);

    // And back to the builtin embedder: its vectors are all there.
    auto back = embed_missing(*store_, builtin, {.quiet = true});
    ASSERT_TRUE(back.has_value()) << back.error().message;
    EXPECT_EQ(back->embedded, 0);
    EXPECT_TRUE(back->made_current);
    EXPECT_EQ(current_embedder_url(*store_).value(), "builtin:");
    EXPECT_EQ(check_vectors(*store_, model->id()).value(), "");
}

}  // namespace
}  // namespace stablepick
