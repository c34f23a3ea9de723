// `stablepick review` with three LLM providers configured against local servers that speak
// the OpenAI, Anthropic and Ollama wire protocols: each provider's vote and explanation, the
// tally, a failing provider that degrades the ballot without aborting, the cache, the costs,
// --make-prompt, and API keys that never reach the output or the store.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "support/known_history.hpp"
#include "support/llm_server.hpp"

namespace stablepick {
namespace {

using testing::FixesAndFeatures;
using testing::LlmServer;
using testing::run_stablepick;

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Says YES to fixes (the prompt's candidate subject has "fix"), NO otherwise.
LlmServer::Reply judge(const nlohmann::json& body) {
    auto user = LlmServer::user_text(body);
    auto candidate = user.substr(user.find("## Candidate commit"));
    bool fix = candidate.find("fix NULL pointer") != std::string::npos;
    return {
        .text =
            fix ? R"({"decision": "YES", "confidence": 0.9, "reasons": ["fixes a NULL dereference in the rx path"], "risks": ["touches the hot path"], "cited_commits": []})"
                : R"({"decision": "NO", "confidence": 0.85, "reasons": ["adds a builder option: a feature"], "risks": []})"};
}

TEST(CliLlm, ThreeProvidersVoteAndAFailingOneDegradesTheBallot) {
    FixesAndFeatures h(120);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "train"}).exit_code, 0);

    LlmServer openai(LlmServer::Kind::kOpenAi,
                     [](const nlohmann::json& body, int) { return judge(body); });
    LlmServer anthropic(LlmServer::Kind::kAnthropic, [](const nlohmann::json& body, int) {
        if (LlmServer::tool_results(body).empty())  // checks the fix is not already in v1-stable
            return LlmServer::Reply{
                .tool_calls = {{"git_log", {{"ref", "v1-stable"}, {"max_count", 3}}}}};
        return judge(body);
    });
    LlmServer ollama(LlmServer::Kind::kOllama,
                     [](const nlohmann::json&, int) { return LlmServer::Reply{.status = 500}; });

    auto config = h.repo.path() / "stablepick.toml";
    {
        std::ofstream out(config);
        out << fmt::format(R"([llm]
precedents = 3

[[llm.providers]]
url = "{}"
name = "gpt"
api_key_env = "STABLEPICK_TEST_OPENAI_KEY"
input_price = 2.5
output_price = 10.0

[[llm.providers]]
url = "{}"
name = "claude"
api_key_env = "STABLEPICK_TEST_ANTHROPIC_KEY"
input_price = 3.0
output_price = 15.0

[[llm.providers]]
url = "{}"
name = "local"
max_attempts = 2
backoff_ms = 10
)",
                           openai.url(), anthropic.url(), ollama.url());
    }
    ::setenv("STABLEPICK_TEST_OPENAI_KEY", "sk-openai-very-secret", 1);
    ::setenv("STABLEPICK_TEST_ANTHROPIC_KEY", "sk-ant-very-secret", 1);
    std::vector<std::string> args{"-C",        h.dir(),  "--config",     config.string(),
                                  "--verbose", "review", h.fixes.back(), h.features.back()};
    auto r = run_stablepick(args);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    // Each provider's vote and explanation, the tally and the ballot.
    EXPECT_NE(r.out.find("gpt: YES (0.90)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("claude: YES (0.90)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("gpt: NO (0.15)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("fixes a NULL dereference in the rx path"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("touches the hot path"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("local: failed: local answered HTTP 500 (after 2 attempts)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("voters' own verdicts 4/4 yes, 1 failed"), std::string::npos)
        << r.out;  // knn, model, gpt, claude
    EXPECT_NE(r.out.find("tool git_log"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 of 2 commits selected"), std::string::npos) << r.out;
    // Costs: 2 requests to gpt (1000 in, 100 out each), 4 to claude (a tool turn each).
    EXPECT_NE(
        r.out.find(
            "gpt: 2 request(s), 0 answer(s) from the cache, 2 answered, 0 abstained, 0 failed; "
            "2000 input and 200 output tokens; $0.0070"),
        std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("claude: 4 request(s)"), std::string::npos) << r.out;
    EXPECT_EQ(openai.requests(), 2);
    EXPECT_EQ(anthropic.requests(), 4);
    EXPECT_EQ(ollama.requests(), 4);
    // The keys went to the servers and nowhere else.
    EXPECT_EQ(openai.keys()[0], "Bearer sk-openai-very-secret");
    EXPECT_EQ(anthropic.keys()[0], "sk-ant-very-secret");
    for (auto* secret : {"sk-openai-very-secret", "sk-ant-very-secret"}) {
        EXPECT_EQ(r.out.find(secret), std::string::npos);
        EXPECT_EQ(r.err.find(secret), std::string::npos);
    }

    // Again: the answers come from the cache; only the failed provider is asked again.
    auto again = run_stablepick(args);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(openai.requests(), 2);
    EXPECT_EQ(anthropic.requests(), 4);
    EXPECT_NE(again.out.find("gpt: YES (0.90), cached"), std::string::npos) << again.out;
    EXPECT_NE(again.out.find("gpt: 0 request(s), 2 answer(s) from the cache"), std::string::npos)
        << again.out;
    auto json = run_stablepick(
        {"-C", h.dir(), "--config", config.string(), "review", "--json", h.fixes.back()});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    auto j = nlohmann::json::parse(json.out);
    EXPECT_EQ(j[0]["tally"]["failed"], 1);
    EXPECT_EQ(j[0]["votes"].size(), 5u);
    EXPECT_EQ(j[0]["votes"][3]["voter"], "claude");
    EXPECT_EQ(j[0]["votes"][3]["tool_calls"][0]["tool"], "git_log");
    EXPECT_EQ(openai.requests(), 2);

    // --refresh asks again.
    auto refresh = run_stablepick({"-q", "-C", h.dir(), "--config", config.string(), "review",
                                   "--refresh", "--no-llm", "--llm", openai.url(), h.fixes.back()});
    ASSERT_EQ(refresh.exit_code, 0) << refresh.err;
    EXPECT_EQ(openai.requests(), 3);

    auto store = slurp(h.repo.path() / ".git/stablepick/store.sqlite");
    for (auto* secret : {"sk-openai-very-secret", "sk-ant-very-secret"})
        EXPECT_EQ(store.find(secret), std::string::npos);
}

TEST(CliLlm, MakePromptWritesPromptsAndCallsNothing) {
    FixesAndFeatures h(120);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "train"}).exit_code, 0);
    LlmServer openai(LlmServer::Kind::kOpenAi,
                     [](const nlohmann::json& body, int) { return judge(body); });
    auto dir = h.repo.path() / "prompts";
    auto r = run_stablepick({"-C", h.dir(), "review", "--llm", openai.url(), "--make-prompt",
                             dir.string(), h.fixes.back()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(openai.requests(), 0);
    auto text = slurp(dir / (h.fixes.back() + ".prompt.md"));
    EXPECT_NE(text.find("# System"), std::string::npos);
    EXPECT_NE(text.find("## Candidate commit " + h.fixes.back()), std::string::npos);
    EXPECT_NE(text.find("[Backported: "), std::string::npos);  // precedents with decisions
    EXPECT_NE(text.find("## The commits it fixes"), std::string::npos);  // the Fixes: target
    EXPECT_NE(text.find("The commit it fixes"), std::string::npos);      // tree facts
    EXPECT_NE(text.find("\"decision\""), std::string::npos);  // the structured answer asked for

    // A commit's prompt does not depend on what else is reviewed with it (or the cache would miss).
    auto dir2 = h.repo.path() / "prompts2";
    auto both =
        run_stablepick({"-C", h.dir(), "review", "--make-prompt", dir2.string(), h.features.back(),
                        h.fixes.back(), h.features[h.features.size() - 3]});
    ASSERT_EQ(both.exit_code, 0) << both.err;
    EXPECT_EQ(slurp(dir2 / (h.fixes.back() + ".prompt.md")), text);

    // With target branches, the models read what the checks found on each tree.
    auto dir3 = h.repo.path() / "prompts3";
    auto targeted = run_stablepick({"-q", "-C", h.dir(), "review", "--target", "v1-stable",
                                    "--make-prompt", dir3.string(), h.fixes.back()});
    ASSERT_EQ(targeted.exit_code, 0) << targeted.err;
    EXPECT_NE(
        slurp(dir3 / (h.fixes.back() + ".prompt.md")).find("- v1-stable: already there (marker "),
        std::string::npos);

    auto bad = run_stablepick({"-C", h.dir(), "review", "--llm", "gopher://x/y", h.fixes.back()});
    EXPECT_EQ(bad.exit_code, 8);
    EXPECT_NE(bad.err.find("unknown scheme"), std::string::npos) << bad.err;
}

// -n N: LLMs are asked only about the N commits the offline voters rank highest, not about
// every commit of the range (each request costs money), and those are the N shown.
TEST(CliLlm, LimitAsksOnlyAboutTheCommitsShown) {
    FixesAndFeatures h(120);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "train"}).exit_code, 0);
    std::vector<std::string> six{h.fixes.back(),
                                 h.features.back(),
                                 h.fixes[h.fixes.size() - 2],
                                 h.features[h.features.size() - 2],
                                 h.fixes[h.fixes.size() - 3],
                                 h.features[h.features.size() - 3]};
    std::vector<std::string> offline_args{"-q", "-C", h.dir(), "review", "--json"};
    offline_args.insert(offline_args.end(), six.begin(), six.end());
    auto offline = run_stablepick(offline_args);
    ASSERT_EQ(offline.exit_code, 0) << offline.err;
    auto ranked = nlohmann::json::parse(offline.out);
    ASSERT_EQ(ranked.size(), 6u);

    LlmServer openai(LlmServer::Kind::kOpenAi,
                     [](const nlohmann::json& body, int) { return judge(body); });
    std::vector<std::string> args{"-q",         "-C", h.dir(), "review", "--llm",
                                  openai.url(), "-n", "2",     "--json"};
    args.insert(args.end(), six.begin(), six.end());
    auto r = run_stablepick(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(openai.requests(), 2);
    auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 2u);
    std::set<std::string> shown{j[0]["id"], j[1]["id"]};
    std::set<std::string> top{ranked[0]["id"], ranked[1]["id"]};
    EXPECT_EQ(shown, top);
    EXPECT_EQ(j[0]["votes"].size(), 3u);  // knn, model and the LLM

    // Without LLMs, -n shows what ranking them all shows first, and says how many were ranked.
    std::vector<std::string> table{"-C", h.dir(), "review", "-n", "2"};
    table.insert(table.end(), six.begin(), six.end());
    auto t = run_stablepick(table);
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_NE(t.out.find("; the top 2 of 6 by the offline voters"), std::string::npos) << t.out;
    EXPECT_LT(t.out.find(ranked[0]["id"].get<std::string>().substr(0, 12)),
              t.out.find(ranked[1]["id"].get<std::string>().substr(0, 12)));
}

// The [llm] bounds reach every configured provider, a provider entry may override them, and a
// bound that makes no sense is refused.
TEST(CliLlm, BoundsComeFromTheConfig) {
    FixesAndFeatures h(120);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "index"}).exit_code, 0);
    ASSERT_EQ(run_stablepick({"-q", "-C", h.dir(), "train"}).exit_code, 0);
    auto flood = [](const nlohmann::json& body, int) {
        if (LlmServer::tool_results(body).empty()) {
            LlmServer::Reply r;
            for (int i = 0; i < 6; ++i)
                r.tool_calls.push_back({"git_log", {{"ref", "HEAD"}, {"max_count", 1}}});
            return r;
        }
        return judge(body);
    };
    LlmServer first(LlmServer::Kind::kOpenAi, flood);
    LlmServer second(LlmServer::Kind::kAnthropic, flood);
    auto config = h.repo.path() / "stablepick.toml";
    {
        std::ofstream out(config);
        out << fmt::format(R"([llm]
max_tool_calls = 2

[[llm.providers]]
url = "{}"
name = "first"

[[llm.providers]]
url = "{}"
name = "second"
max_tool_calls = 3
)",
                           first.url(), second.url());
    }
    auto r = run_stablepick(
        {"-C", h.dir(), "--config", config.string(), "review", "--json", h.fixes.back()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    std::map<std::string, size_t> calls;
    for (auto& v : j[0]["votes"])
        if (v.contains("tool_calls")) calls[v["voter"]] = v["tool_calls"].size();
    EXPECT_EQ(calls["first"], 2u) << r.out;
    EXPECT_EQ(calls["second"], 3u) << r.out;

    {
        std::ofstream out(config);
        out << "[llm]\nmax_response_bytes = 0\n";
    }
    auto bad =
        run_stablepick({"-C", h.dir(), "--config", config.string(), "review", h.fixes.back()});
    EXPECT_EQ(bad.exit_code, 8);
    EXPECT_NE(bad.err.find("max_response_bytes"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("must be positive"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace stablepick
