// `embed --embedder openai://…` against a local server speaking the real /v1/embeddings
// protocol: once it finishes, that embedder is the store's current one, and similar, train,
// review and eval read its vectors (and embed through it what has none yet).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/known_history.hpp"
#include "support/llm_server.hpp"

namespace stablepick {
namespace {

using testing::FixesAndFeatures;
using testing::kDay;
using testing::kStart;
using testing::LlmServer;
using testing::run_stablepick;

LlmServer::Script unused() {
    return [](const nlohmann::json&, int) { return LlmServer::Reply{.text = "unused"}; };
}

// The id a server's vectors are stored under: "openai:127.0.0.1:PORT/model".
std::string id_of(const LlmServer& server, const std::string& model) {
    std::string url = server.url(model);
    return "openai:" + url.substr(std::string("openai://").size());
}

// One attempt per request: a failing server is not retried with real waits.
void no_retries(const FixesAndFeatures& h) {
    std::ofstream(h.repo.path() / ".git/stablepick/config.toml") << "[embed]\nmax_attempts = 1\n";
}

bool asked_for(const LlmServer& server, const std::string& subject) {
    auto inputs = server.embedding_inputs();
    return std::ranges::any_of(inputs, [&](auto& text) { return text.starts_with(subject); });
}

TEST(CliEmbedder, AServersVectorsServeSimilarTrainReviewAndEval) {
    FixesAndFeatures h;
    LlmServer server(LlmServer::Kind::kOpenAi, unused());
    const std::string url = server.url("embed-model"), id = id_of(server, "embed-model");
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    no_retries(h);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "train"}).exit_code, 0);

    auto embed = run_stablepick({"-C", h.dir(), "embed", "--embedder", url});
    ASSERT_EQ(embed.exit_code, 0) << embed.err;
    EXPECT_NE(embed.out.find("model " + id + ": "), std::string::npos) << embed.out;
    EXPECT_NE(embed.err.find("the current embedder is now '" + url + "'"), std::string::npos)
        << embed.err;
    const size_t asked = server.embedding_inputs().size();
    EXPECT_GE(asked, 180u);

    // The voters learned from the builtin vectors: they are refused, saying what to do.
    auto stale = run_stablepick({"-C", h.dir(), "review", h.fixes.back()});
    EXPECT_EQ(stale.exit_code, 8) << stale.out;
    EXPECT_NE(stale.err.find("trained with embedding 'builtin:"), std::string::npos) << stale.err;
    EXPECT_NE(stale.err.find("'" + id + "' (" + url + ")"), std::string::npos) << stale.err;
    EXPECT_NE(stale.err.find("run 'stablepick train'"), std::string::npos) << stale.err;

    // similar ranks by the server's vectors; a stored commit's vector is not asked for again.
    auto similar = run_stablepick(
        {"-C", h.dir(), "similar", h.fixes.back().substr(0, 10), "-k", "3", "--json"});
    ASSERT_EQ(similar.exit_code, 0) << similar.err;
    auto j = nlohmann::json::parse(similar.out);
    EXPECT_EQ(j["model"], id);
    ASSERT_EQ(j["neighbours"].size(), 3u);
    for (auto& n : j["neighbours"])
        EXPECT_NE(n["subject"].get<std::string>().find("net: fix"), std::string::npos) << n;
    EXPECT_EQ(server.embedding_inputs().size(), asked);

    // train learns from them and names them.
    auto train = run_stablepick({"-q", "-C", h.dir(), "train"});
    ASSERT_EQ(train.exit_code, 0) << train.err;
    EXPECT_NE(train.out.find("embedding: " + id + " (32 dimensions, from " + url + ")"),
              std::string::npos)
        << train.out;

    // A commit indexed without a vector is embedded through the server when it is reviewed.
    std::string subject = "net: fix NULL pointer dereference in the tx path";
    std::string fresh = h.repo.commit(
        "drivers/net/tx.c", "int tx_null_check = 1;\n",
        fmt::format("{}\n\nThe tx path crashes when the ring is empty.\n\nFixes: {}\n", subject,
                    h.features.back().substr(0, 12)),
        kStart + 200 * kDay);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index", "--no-embed"}).exit_code, 0);
    EXPECT_FALSE(asked_for(server, subject));
    auto review = run_stablepick({"-C", h.dir(), "review", fresh.substr(0, 12), "--json"});
    ASSERT_EQ(review.exit_code, 0) << review.err;
    EXPECT_TRUE(asked_for(server, subject));
    auto reviewed = nlohmann::json::parse(review.out);
    ASSERT_EQ(reviewed.size(), 1u);
    EXPECT_EQ(reviewed[0]["id"], fresh);
    ASSERT_FALSE(reviewed[0]["precedents"].empty());
    EXPECT_NE(reviewed[0]["precedents"][0]["subject"].get<std::string>().find("net: fix"),
              std::string::npos)
        << reviewed[0];

    // index embeds what it stores through the current embedder too.
    std::string later = "net: fix a leak in the rx ring";
    h.repo.commit("drivers/net/rx_leak.c", "int rx_leak = 1;\n", later + "\n\nFree the ring.\n",
                  kStart + 201 * kDay);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    EXPECT_TRUE(asked_for(server, later));

    // eval reads the server's stored vectors (it cannot refit them) and says so.
    size_t before_eval = server.embedding_inputs().size();
    auto eval = run_stablepick({"-C", h.dir(), "eval", "--split", "2020-05-10", "--json"});
    ASSERT_EQ(eval.exit_code, 0) << eval.err;
    EXPECT_NE(eval.err.find("using the stored vectors of " + id), std::string::npos) << eval.err;
    auto report = nlohmann::json::parse(eval.out);
    EXPECT_EQ(report["embedder"]["name"], id + " (" + url + ")");
    EXPECT_EQ(report["embedder"]["embedded"], 0);
    EXPECT_EQ(server.embedding_inputs().size(), before_eval);
    // With a tag hidden, the stored vectors (which saw it) are not used: the stripped text is
    // embedded anew, and not stored.
    auto stripped = run_stablepick(
        {"-C", h.dir(), "eval", "--split", "2020-05-10", "--json", "--strip-tag", "Fixes"});
    ASSERT_EQ(stripped.exit_code, 0) << stripped.err;
    EXPECT_GT(nlohmann::json::parse(stripped.out)["embedder"]["embedded"].get<int>(), 100);
    EXPECT_GT(server.embedding_inputs().size(), before_eval + 100);
    // The builtin embedding can still be measured beside it, learned from the training commits.
    auto builtin_eval = run_stablepick(
        {"-C", h.dir(), "eval", "--split", "2020-05-10", "--json", "--embedder", "builtin:"});
    ASSERT_EQ(builtin_eval.exit_code, 0) << builtin_eval.err;
    EXPECT_FALSE(nlohmann::json::parse(builtin_eval.out).contains("embedder"));
    EXPECT_NE(builtin_eval.err.find("learning the embedding from"), std::string::npos);

    // Back to the builtin embedder.
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "embed", "--embedder", "builtin:"}).exit_code,
              0);
    auto builtin = run_stablepick({"-C", h.dir(), "similar", h.fixes.back(), "--json"});
    ASSERT_EQ(builtin.exit_code, 0) << builtin.err;
    EXPECT_EQ(nlohmann::json::parse(builtin.out)["model"].get<std::string>().rfind("builtin:", 0),
              0u);
}

TEST(CliEmbedder, AServerThatFailsLeavesTheCurrentEmbedder) {
    FixesAndFeatures h(40);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    no_retries(h);
    LlmServer server(LlmServer::Kind::kOpenAi, unused());
    server.embedding_status = 503;
    std::string url = server.url("embed-model");
    auto down = run_stablepick({"-q", "-C", h.dir(), "embed", "--embedder", url, "--batch", "8"});
    EXPECT_EQ(down.exit_code, 5) << down.out;
    EXPECT_NE(down.err.find("HTTP 503"), std::string::npos) << down.err;
    EXPECT_NE(down.err.find("the current embedder is still 'builtin:'"), std::string::npos)
        << down.err;
    auto similar = run_stablepick({"-C", h.dir(), "similar", h.fixes.back(), "--json"});
    ASSERT_EQ(similar.exit_code, 0) << similar.err;
    EXPECT_EQ(nlohmann::json::parse(similar.out)["model"].get<std::string>().rfind("builtin:", 0),
              0u);

    // Once it answers it becomes current; when it is down later, index still stores commits
    // and says what to run.
    server.embedding_status = 0;
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "embed", "--embedder", url}).exit_code, 0);
    server.embedding_status = 503;
    h.repo.commit("tools/late.c", "int late = 1;\n", "tools: add a late option\n",
                  kStart + 50 * kDay);
    auto index = run_stablepick({"-q", "-C", h.dir(), "index"});
    EXPECT_EQ(index.exit_code, 0) << index.err;
    EXPECT_NE(index.err.find("not embedded yet"), std::string::npos) << index.err;
    EXPECT_NE(index.err.find("stablepick embed"), std::string::npos) << index.err;

    // URLs the table refuses are refused with what it accepts.
    auto bad = run_stablepick({"-C", h.dir(), "embed", "--embedder", "ollama://h/m"});
    EXPECT_EQ(bad.exit_code, 8);
    EXPECT_NE(bad.err.find("builtin: or openai://host[:port]/model"), std::string::npos) << bad.err;
    auto port = run_stablepick({"-C", h.dir(), "embed", "--embedder", "openai://h:99999/m"});
    EXPECT_EQ(port.exit_code, 8);
    EXPECT_NE(port.err.find("port '99999'"), std::string::npos) << port.err;
}

}  // namespace
}  // namespace stablepick
