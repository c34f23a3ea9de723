// The LLM voters' cost outside the model, and providers answering side by side.
// Run: build/bench_llm GIT-DIR STORE-FILE [COMMITS]
//
// 1. For the newest COMMITS (default 100) indexed main-branch commits: the time per commit to
//    gather the evidence (precedents by exact search), read what the prompt needs from the store
//    and build it, and run two typical tool calls (git_show --stat of the commit, read_file of
//    its first file) — everything an LLM vote costs besides the model. Median of 5 runs.
// 2. Three local servers (OpenAI, Anthropic, Ollama protocols) answer after 200, 400 and
//    800 ms. Eight commits are voted on by each provider alone, then by all three at once:
//    the run should take as long as the slowest provider, not the sum.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "stablepick/embed/embeddings.hpp"
#include "stablepick/llm/llm_voter.hpp"
#include "stablepick/llm/prompt.hpp"
#include "stablepick/vote/saved_model.hpp"
#include "support/llm_server.hpp"

using namespace stablepick;
using testing::LlmServer;

namespace {

double ms(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

double median(std::vector<double> v) {
    std::ranges::sort(v);
    return v[v.size() / 2];
}

template <typename T>
T check(Result<T> r) {
    if (!r) {
        fmt::print(stderr, "error: {}\n", r.error().message);
        std::exit(1);
    }
    return std::move(*r);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        fmt::print(stderr, "usage: bench_llm GIT-DIR STORE-FILE [COMMITS]\n");
        return 2;
    }
    std::filesystem::path git_dir = argv[1];
    size_t count = argc > 3 ? std::stoul(argv[3]) : 100;
    auto store = check(Store::open(argv[2], Store::Mode::kRead));
    auto history = check(CommitHistory::load(store));
    auto embedder = check(open_current_embedder(store, {}));
    auto vectors = check(stored_vectors(store, history, embedder->id()));
    std::vector<size_t> queries;
    for (size_t i = history.commits().size(); i-- > 0 && queries.size() < count;)
        if (!vectors[i].empty()) queries.push_back(i);
    std::vector<int64_t> now(queries.size(), kNever);
    llm::GitTools tools(git_dir, {});
    std::string rules = llm::stable_rules(nullptr, "HEAD", "");

    std::vector<double> evidence_ms, prompt_ms, tools_ms;
    std::vector<Prompt> prompts;
    std::vector<Evidence> evidence;
    for (int run = 0; run < 5; ++run) {
        auto t0 = std::chrono::steady_clock::now();
        evidence = evidence_for(history, vectors, queries, now, {});
        auto t1 = std::chrono::steady_clock::now();
        auto inputs = check(llm::gather_prompt_inputs(store, history, queries, evidence, 5));
        prompts.clear();
        for (auto& in : inputs) prompts.push_back(llm::build_prompt(in, {.rules = rules}));
        auto t2 = std::chrono::steady_clock::now();
        size_t bytes = 0;
        for (size_t q : queries) {
            const auto& f = history.commits()[q];
            bytes += tools.call("git_show", {{"commit", f.id}, {"stat_only", true}}).size();
            if (!f.files.empty())
                bytes += tools.call("read_file", {{"path", f.files[0].path}, {"ref", f.id}}).size();
        }
        auto t3 = std::chrono::steady_clock::now();
        evidence_ms.push_back(ms(t1 - t0) / queries.size());
        prompt_ms.push_back(ms(t2 - t1) / queries.size());
        tools_ms.push_back(ms(t3 - t2) / queries.size());
        if (run == 0) {
            size_t prompt_bytes = 0;
            for (auto& p : prompts) prompt_bytes += p.system.size() + p.user.size();
            fmt::print("{} commits; mean prompt {} bytes; tool output {} bytes a commit\n",
                       queries.size(), prompt_bytes / prompts.size(), bytes / queries.size());
        }
    }
    double e = median(evidence_ms), p = median(prompt_ms), t = median(tools_ms);
    fmt::print(
        "per commit (median of 5 runs): evidence {:.2f} ms, prompt {:.2f} ms, two tool calls "
        "{:.2f} ms; "
        "total {:.2f} ms\n",
        e, p, t, e + p + t);

    // Providers side by side.
    auto reply = [](int delay) {
        return [delay](const nlohmann::json&, int) {
            return LlmServer::Reply{
                .text = R"({"decision": "YES", "confidence": 0.9, "reasons": ["r"]})",
                .delay_ms = delay};
        };
    };
    LlmServer a(LlmServer::Kind::kOpenAi, reply(200)), b(LlmServer::Kind::kAnthropic, reply(400)),
        c(LlmServer::Kind::kOllama, reply(800));
    std::vector<size_t> few(queries.begin(), queries.begin() + std::min<size_t>(8, queries.size()));
    std::vector<Evidence> few_evidence(evidence.begin(), evidence.begin() + few.size());
    std::vector<Prompt> few_prompts(prompts.begin(), prompts.begin() + few.size());
    auto voters_for = [&](std::vector<std::string> urls) {
        std::vector<std::unique_ptr<Voter>> voters;
        auto cache = std::make_shared<llm::LlmCache>(nullptr);  // nothing cached between runs
        for (auto& url : urls)
            voters.push_back(
                llm::make_llm_voter(llm::make_provider(check(llm::parse_provider({.url = url}))),
                                    cache, nullptr, std::make_shared<llm::UsageLedger>(), {}));
        return voters;
    };
    double sum = 0;
    for (auto* server : {&a, &b, &c}) {
        auto voters = voters_for({server->url()});
        auto t0 = std::chrono::steady_clock::now();
        cast_votes(voters, history, vectors, few, few_evidence, few_prompts);
        double took = ms(std::chrono::steady_clock::now() - t0);
        sum += took;
        fmt::print("{} alone: {:.0f} ms for {} commits\n", voters[0]->name(), took, few.size());
    }
    auto all = voters_for({a.url(), b.url(), c.url()});
    auto t0 = std::chrono::steady_clock::now();
    cast_votes(all, history, vectors, few, few_evidence, few_prompts);
    double together = ms(std::chrono::steady_clock::now() - t0);
    fmt::print("all three at once: {:.0f} ms (sum of the three alone: {:.0f} ms)\n", together, sum);
    return 0;
}
