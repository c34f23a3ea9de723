// The OpenAI embeddings client against a local server speaking the real wire protocol
// (POST /v1/embeddings, {"model", "input": [...]} -> {"data": [{"index", "embedding"}]}).
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "stablepick/embed/openai_embedder.hpp"
#include "support/fake_clock.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick {
namespace {

// A local embeddings server whose behaviour each test scripts.
class FakeEmbeddingsServer {
  public:
    std::function<void(const httplib::Request&, httplib::Response&)> handler;
    std::atomic<int> requests = 0;
    std::string last_authorization;

    FakeEmbeddingsServer() {
        server_.Post("/v1/embeddings", [this](const httplib::Request& req, httplib::Response& res) {
            ++requests;
            last_authorization = req.get_header_value("Authorization");
            handler(req, res);
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~FakeEmbeddingsServer() {
        server_.stop();
        thread_.join();
    }
    std::string url() const {
        return "openai://127.0.0.1:" + std::to_string(port_) + "/test-model";
    }

    // Answers each input with a vector of `dim` numbers derived from the text.
    static void answer(const httplib::Request& req, httplib::Response& res, int dim) {
        auto body = nlohmann::json::parse(req.body);
        nlohmann::json out{
            {"object", "list"}, {"model", body["model"]}, {"data", nlohmann::json::array()}};
        int i = 0;
        for (auto& text : body["input"]) {
            std::vector<float> v(dim, 1.0f);
            v[0] = static_cast<float>(text.get<std::string>().size());
            out["data"].push_back({{"object", "embedding"}, {"index", i++}, {"embedding", v}});
        }
        res.set_content(out.dump(), "application/json");
    }

  private:
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
};

OpenAiEmbedder client(const FakeEmbeddingsServer& server, size_t batch = 2) {
    auto options = parse_openai_url(server.url());
    EXPECT_TRUE(options.has_value());
    options->batch_size = batch;
    options->concurrency = 2;
    options->backoff = std::chrono::milliseconds(10);
    options->timeout = std::chrono::milliseconds(2000);
    options->api_key = "sk-test-secret";
    return OpenAiEmbedder(*options);
}

TEST(OpenAiEmbedder, UrlParsing) {
    auto o = parse_openai_url("openai://localhost:11434/nomic-embed-text");
    ASSERT_TRUE(o.has_value());
    EXPECT_EQ(o->endpoint, "http://localhost:11434/v1/embeddings");
    EXPECT_EQ(o->model, "nomic-embed-text");
    EXPECT_EQ(parse_openai_url("openai://api.openai.com:443/text-embedding-3-small")->endpoint,
              "https://api.openai.com:443/v1/embeddings");
    EXPECT_FALSE(parse_openai_url("http://x/y").has_value());
    // The same TLS rule as the chat providers: https unless local, +http/+https force it.
    EXPECT_EQ(parse_openai_url("openai://gpu-box:8443/m")->endpoint,
              "https://gpu-box:8443/v1/embeddings");
    EXPECT_EQ(parse_openai_url("openai://api.openai.com/m")->endpoint,
              "https://api.openai.com/v1/embeddings");
    EXPECT_EQ(parse_openai_url("openai+http://gpu-box:8000/m")->endpoint,
              "http://gpu-box:8000/v1/embeddings");
    EXPECT_EQ(parse_openai_url("openai+https://localhost:9000/m")->endpoint,
              "https://localhost:9000/v1/embeddings");
    EXPECT_EQ(parse_openai_url("openai://127.0.0.1:9000/m")->endpoint,
              "http://127.0.0.1:9000/v1/embeddings");
    EXPECT_FALSE(parse_openai_url("openai://hostonly").has_value());
}

TEST(OpenAiEmbedder, BatchesInOrderAndNormalised) {
    FakeEmbeddingsServer server;
    server.handler = [](auto& req, auto& res) { FakeEmbeddingsServer::answer(req, res, 4); };
    auto embedder = client(server);
    std::vector<std::string> texts{"a", "bb", "ccc", "dddd", "eeeee"};
    auto v = embedder.embed_texts(texts);
    ASSERT_TRUE(v.has_value()) << v.error().message;
    ASSERT_EQ(v->size(), 5u);
    EXPECT_EQ(server.requests, 3);  // batches of 2
    for (size_t i = 0; i < 5; ++i) {
        double norm = 0;
        for (float x : (*v)[i]) norm += x * x;
        EXPECT_NEAR(norm, 1.0, 1e-5);
        float len = static_cast<float>(i + 1);  // first component was the text's length
        EXPECT_NEAR((*v)[i][0], len / std::sqrt(len * len + 3), 1e-5);
    }
    EXPECT_EQ(server.last_authorization, "Bearer sk-test-secret");
    EXPECT_EQ(embedder.id(), "openai:" + server.url().substr(9));
}

TEST(OpenAiEmbedder, RetriesOn429WithRetryAfterAndOn500) {
    FakeEmbeddingsServer server;
    std::atomic<int> calls = 0;
    server.handler = [&](auto& req, auto& res) {
        int n = ++calls;
        if (n == 1) {
            res.status = 429;
            res.set_header("Retry-After", "0");
        } else if (n == 2) {
            res.status = 503;
        } else {
            FakeEmbeddingsServer::answer(req, res, 3);
        }
    };
    auto embedder = client(server, 8);
    auto v = embedder.embed_texts({"x", "y"});
    ASSERT_TRUE(v.has_value()) << v.error().message;
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(embedder.requests(), 3);
}

TEST(OpenAiEmbedder, FailuresAreClearErrors) {
    FakeEmbeddingsServer server;
    server.handler = [](auto&, auto& res) { res.status = 500; };
    auto failing = client(server, 8).embed_texts({"x"});
    ASSERT_FALSE(failing.has_value());
    EXPECT_EQ(failing.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(failing.error().message.find("HTTP 500 (after 4 attempts)"), std::string::npos)
        << failing.error().message;

    server.handler = [](auto&, auto& res) {
        res.set_content("<html>not json</html>", "text/html");
    };
    auto garbage = client(server, 8).embed_texts({"x"});
    ASSERT_FALSE(garbage.has_value());
    EXPECT_EQ(garbage.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(garbage.error().message.find("garbage"), std::string::npos);

    server.handler = [](auto& req, auto& res) { FakeEmbeddingsServer::answer(req, res, 5); };
    auto wrong = client(server, 8).embed_texts({"x"}, 8);
    ASSERT_FALSE(wrong.has_value());
    EXPECT_NE(wrong.error().message.find("vectors of 5 dimensions, expected 8"), std::string::npos)
        << wrong.error().message;

    server.handler = [](auto& req, auto& res) {
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        FakeEmbeddingsServer::answer(req, res, 3);
    };
    auto options = parse_openai_url(server.url());
    options->timeout = std::chrono::milliseconds(100);
    options->max_attempts = 2;
    options->backoff = std::chrono::milliseconds(1);
    auto slow = OpenAiEmbedder(*options).embed_texts({"x"});
    ASSERT_FALSE(slow.has_value());
    EXPECT_EQ(slow.error().code, ErrorCode::kUnavailable);
}

TEST(OpenAiEmbedder, ServerDown) {
    int port = 0;
    {
        FakeEmbeddingsServer server;  // take a free port, then close it
        port = std::stoi(server.url().substr(server.url().rfind(':') + 1));
    }
    auto options = parse_openai_url("openai://127.0.0.1:" + std::to_string(port) + "/m");
    options->max_attempts = 2;
    options->backoff = std::chrono::milliseconds(1);
    auto v = OpenAiEmbedder(*options).embed_texts({"x"});
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(v.error().message.find("cannot reach"), std::string::npos);
}

TEST(OpenAiEmbedder, FinishedBatchesAreHandedOverBeforeAFailure) {
    FakeEmbeddingsServer server;
    std::atomic<int> calls = 0;
    server.handler = [&](auto& req, auto& res) {
        if (++calls <= 2)
            FakeEmbeddingsServer::answer(req, res, 3);
        else
            res.status = 400;
    };
    auto options = parse_openai_url(server.url());
    options->batch_size = 1;
    options->concurrency = 1;
    size_t delivered = 0;
    auto v = OpenAiEmbedder(*options).embed_texts(
        {"a", "b", "c", "d"}, std::nullopt,
        [&](size_t, const std::vector<std::vector<float>>& vs) { delivered += vs.size(); });
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(delivered, 2u);
}

TEST(OpenAiEmbedder, AnEndlessBodyIsCutAtTheCap) {
    FakeEmbeddingsServer server;
    server.handler = [](auto&, httplib::Response& res) {
        res.set_chunked_content_provider(
            "application/json", [chunk = std::string(65536, '[')](size_t, httplib::DataSink& sink) {
                return sink.write(chunk.data(), chunk.size());
            });
    };
    auto options = parse_openai_url(server.url());
    options->max_response_bytes = 1 << 20;
    auto v = OpenAiEmbedder(*options).embed_texts({"x"});
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(v.error().message.find("exceeds 1048576 bytes"), std::string::npos)
        << v.error().message;
    EXPECT_EQ(server.requests, 1);
}

TEST(OpenAiEmbedder, RetryAfterIsCappedOnTheClock) {
    FakeEmbeddingsServer server;
    std::atomic<int> calls = 0;
    server.handler = [&](auto& req, auto& res) {
        if (++calls == 1) {
            res.status = 429;
            res.set_header("Retry-After", "86400");
        } else {
            FakeEmbeddingsServer::answer(req, res, 3);
        }
    };
    auto clock = std::make_shared<testing::FakeClock>();
    auto options = parse_openai_url(server.url());
    options->clock = clock;
    auto v = OpenAiEmbedder(*options).embed_texts({"x"});
    ASSERT_TRUE(v.has_value()) << v.error().message;
    ASSERT_EQ(clock->sleeps().size(), 1u);
    EXPECT_EQ(clock->sleeps()[0], std::chrono::milliseconds(60'000));
}

TEST(OpenAiEmbedder, AnEchoedKeyIsRedacted) {
    FakeEmbeddingsServer server;
    server.handler = [](const httplib::Request& req, httplib::Response& res) {
        res.status = 401;
        res.set_content("invalid key in " + req.get_header_value("Authorization"), "text/plain");
    };
    auto v = client(server).embed_texts({"x"});
    ASSERT_FALSE(v.has_value());
    EXPECT_NE(v.error().message.find("HTTP 401"), std::string::npos) << v.error().message;
    EXPECT_EQ(v.error().message.find("sk-test-secret"), std::string::npos) << v.error().message;
}

TEST(CliEmbed, ServerEmbeddingsAreCachedAndNoKeyIsStored) {
    FakeEmbeddingsServer server;
    server.handler = [](auto& req, auto& res) { FakeEmbeddingsServer::answer(req, res, 6); };
    testing::FixtureRepo repo;
    for (int i = 0; i < 5; ++i)
        repo.commit("f" + std::to_string(i), "x\n", "change " + std::to_string(i));
    ASSERT_EQ(testing::run_stablepick({"-q", "-C", repo.path().string(), "index", "--no-embed"})
                  .exit_code,
              0);
    setenv("STABLEPICK_TEST_KEY", "sk-do-not-store", 1);
    auto first = testing::run_stablepick({"-q", "-C", repo.path().string(), "embed", "--embedder",
                                          server.url(), "--api-key-env", "STABLEPICK_TEST_KEY"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_NE(first.out.find("5 commits embedded"), std::string::npos) << first.out;
    int before = server.requests;
    auto second = testing::run_stablepick(
        {"-q", "-C", repo.path().string(), "embed", "--embedder", server.url()});
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_NE(second.out.find("0 commits embedded, 5 already cached"), std::string::npos)
        << second.out;
    EXPECT_EQ(server.requests, before);
    EXPECT_EQ(server.last_authorization, "Bearer sk-do-not-store");
    // The key is in no file of the store.
    for (auto& entry : std::filesystem::directory_iterator(repo.path() / ".git/stablepick")) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::string content((std::istreambuf_iterator<char>(in)), {});
        EXPECT_EQ(content.find("sk-do-not-store"), std::string::npos) << entry.path();
    }
    // One attempt: a server that is down is not waited for.
    std::ofstream(repo.path() / ".git/stablepick/config.toml") << "[embed]\nmax_attempts = 1\n";
    auto down = testing::run_stablepick(
        {"-q", "-C", repo.path().string(), "embed", "--embedder", "openai://127.0.0.1:1/m"});
    EXPECT_EQ(down.exit_code, 5);
    EXPECT_NE(down.err.find("cannot reach"), std::string::npos) << down.err;
}

}  // namespace
}  // namespace stablepick
