#include "stablepick/cli/commit_voting.hpp"

#include <fmt/format.h>
#include <git2.h>

#include <chrono>
#include <fstream>
#include <numeric>
#include <set>

#include "stablepick/llm/cache.hpp"

namespace stablepick::cli {

// The corpus indexes `specs` name: ranges ("v1..v2", non-merge commits) need the repository,
// single commits may be abbreviated. kNotFound names what is not in the store.
Result<std::vector<size_t>> commits_named(const std::vector<std::string>& specs,
                                          const Corpus& corpus,
                                          const std::optional<git::Repository>& repo) {
    std::vector<size_t> out;
    std::vector<std::string> missing;
    size_t merges = 0;
    for (auto& spec : specs) {
        if (auto dots = spec.find(".."); dots != std::string::npos) {
            if (!repo)
                return fail(ErrorCode::kNotFound,
                            fmt::format("a range ('{}') needs a repository: use --repo", spec));
            git_revwalk* raw = nullptr;
            if (int rc = git_revwalk_new(&raw, repo->get()); rc != 0)
                return std::unexpected(git::last_error(rc, "walk history"));
            git::RevwalkPtr walk(raw);
            git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
            if (int rc = git_revwalk_push_range(walk.get(), spec.c_str()); rc != 0)
                return fail(ErrorCode::kNotFound, fmt::format("bad range '{}': {}", spec,
                                                              git::last_error(rc, "walk").message));
            git_oid oid;
            while (git_revwalk_next(&oid, walk.get()) == 0) {
                auto commit = repo->lookup_commit(oid);
                if (!commit) continue;
                if (git_commit_parentcount(commit->get()) > 1) {
                    ++merges;
                    continue;
                }
                std::string id = git::to_hex(oid);
                if (auto i = corpus.index_of_id(id); i && corpus.commits()[*i].id == id)
                    out.push_back(*i);
                else
                    missing.push_back(id.substr(0, 12));
            }
            continue;
        }
        auto i = corpus.index_of_id(spec);
        if (!i && repo)
            if (auto oid = repo->resolve_commit(spec)) i = corpus.index_of_id(git::to_hex(*oid));
        if (i)
            out.push_back(*i);
        else
            missing.push_back(spec);
    }
    if (!missing.empty())
        return fail(
            ErrorCode::kNotFound,
            fmt::format("{} commit(s) not in the store as main-branch commits ({}{}): run "
                        "'stablepick index' first",
                        missing.size(),
                        fmt::join(missing.begin(),
                                  missing.begin() + std::min<size_t>(5, missing.size()), ", "),
                        missing.size() > 5 ? ", …" : ""));
    if (merges)
        warn(
            fmt::format("{} merge commit(s) left out: a merge is not cherry-picked as it is; its "
                        "commits are reviewed one by one",
                        merges));
    std::set<size_t> seen;
    std::erase_if(out, [&](size_t i) { return !seen.insert(i).second; });
    return out;
}

size_t keep_offline_top(std::vector<size_t>& queries, std::vector<Evidence>& evidence,
                        const std::vector<std::unique_ptr<Voter>>& voters, const Ballot& ballot,
                        const Corpus& corpus, const CorpusVectors& vectors, size_t limit) {
    size_t all = queries.size();
    if (limit == 0 || all <= limit) return all;
    auto votes = cast_votes(voters, corpus, vectors, queries, evidence);
    std::vector<double> probability;
    for (auto& row : votes) probability.push_back(ballot.decide(std::move(row)).probability);
    std::vector<size_t> order(all);
    std::iota(order.begin(), order.end(), 0);
    std::ranges::stable_sort(order,
                             [&](size_t a, size_t b) { return probability[a] > probability[b]; });
    order.resize(limit);
    std::ranges::sort(order);
    std::vector<size_t> kept_queries;
    std::vector<Evidence> kept_evidence;
    for (size_t q : order) {
        kept_queries.push_back(queries[q]);
        kept_evidence.push_back(std::move(evidence[q]));
    }
    queries = std::move(kept_queries);
    evidence = std::move(kept_evidence);
    return all;
}

std::string top_of(size_t kept, size_t ranked) {
    return kept >= ranked ? std::string()
                          : fmt::format("; the top {} of {} by the offline voters", kept, ranked);
}

nlohmann::json tool_calls_json(const Vote& v) {
    nlohmann::json calls = nlohmann::json::array();
    for (auto& c : v.tool_calls)
        calls.push_back({{"tool", c.tool}, {"arguments", c.arguments}, {"output", c.output}});
    return calls;
}

// The main branch's name as the store recorded it ("HEAD" when it has none).
std::string main_branch_of(Store& store) {
    auto q = store.db().prepare("SELECT name FROM branches WHERE kind = 'main' LIMIT 1");
    if (q)
        if (auto row = q->step(); row && *row) return q->text(0);
    return "HEAD";
}

// The similar_commits tool: the k earlier commits most like one, by their vectors.
llm::GitTools::SimilarCommits similar_commits_tool(const Corpus& corpus,
                                                   const CorpusVectors& vectors) {
    return [&corpus, &vectors](const std::string& spec, int k) -> Result<std::string> {
        auto i = corpus.index_of_id(spec);
        if (!i)
            return fail(ErrorCode::kNotFound,
                        fmt::format("no indexed main-branch commit '{}'", spec));
        const auto& q = vectors[*i];
        if (q.empty())
            return fail(ErrorCode::kNotFound, fmt::format("commit '{}' has no vector yet", spec));
        std::vector<std::pair<float, size_t>> best;
        const auto& commits = corpus.commits();
        for (size_t j = 0; j < commits.size(); ++j) {
            if (j == *i || vectors[j].size() != q.size() || commits[j].time >= commits[*i].time)
                continue;
            float dot = 0;
            for (size_t d = 0; d < q.size(); ++d) dot += q[d] * vectors[j][d];
            best.emplace_back(dot, j);
        }
        size_t n = std::min<size_t>(static_cast<size_t>(k), best.size());
        std::partial_sort(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(n), best.end(),
                          std::greater<>());
        std::string out;
        for (size_t r = 0; r < n; ++r) {
            size_t j = best[r].second;
            out +=
                fmt::format("{} {:.2f} [{}: {}] {}\n", commits[j].id.substr(0, 12), best[r].first,
                            corpus.label() == Label::kCve ? "CVE Status" : "Backported",
                            corpus.first_backport(j) != kNever ? "YES" : "NO", commits[j].subject);
        }
        return out.empty() ? std::string("no earlier commit has a vector\n") : out;
    };
}

// Writes each prompt to DIR/<id>.prompt.md, each file complete or absent.
Status write_prompts(const std::filesystem::path& dir, const std::vector<size_t>& queries,
                     const Corpus& corpus, const std::vector<Prompt>& prompts) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return fail(ErrorCode::kIo,
                    fmt::format("cannot create '{}': {}", dir.string(), ec.message()));
    for (size_t q = 0; q < queries.size(); ++q) {
        auto path = dir / (corpus.commits()[queries[q]].id + ".prompt.md");
        auto tmp = path;
        tmp += ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary);
            out << "# System\n\n" << prompts[q].system << "\n\n# User\n\n" << prompts[q].user;
            if (!out.flush())
                return fail(ErrorCode::kIo, fmt::format("cannot write '{}'", tmp.string()));
        }
        std::filesystem::rename(tmp, path, ec);
        if (ec)
            return fail(ErrorCode::kIo,
                        fmt::format("cannot write '{}': {}", path.string(), ec.message()));
    }
    return {};
}

Result<std::vector<std::unique_ptr<Voter>>> add_llm_voters(
    Context& ctx, Store* writer, const Corpus& corpus, const CorpusVectors& vectors,
    const std::vector<ProviderConfig>& providers, std::shared_ptr<llm::UsageLedger> ledger,
    bool refresh, std::function<void()> on_answer) {
    auto cache = std::make_shared<llm::LlmCache>(writer);
    std::shared_ptr<const llm::GitTools> tools;
    if (ctx.repo)
        tools = std::make_shared<llm::GitTools>(
            ctx.repo->git_dir(),
            llm::ToolLimits{static_cast<size_t>(ctx.config.llm.tool_output_bytes),
                            std::chrono::seconds(10)},
            similar_commits_tool(corpus, vectors));
    llm::LlmVoterOptions voter_options;
    voter_options.max_turns = ctx.config.llm.max_turns;
    voter_options.wall_time = std::chrono::milliseconds(ctx.config.llm.wall_time_ms);
    voter_options.refresh = refresh;
    voter_options.on_answer = std::move(on_answer);
    std::vector<std::unique_ptr<Voter>> out;
    for (auto& p : providers) {
        auto spec = llm::parse_provider(p);
        if (!spec) return std::unexpected(spec.error());
        out.push_back(llm::make_llm_voter(llm::make_provider(std::move(*spec)), cache, tools,
                                          ledger, voter_options));
    }
    return out;
}

void print_llm_usage(const llm::UsageLedger& ledger, bool machine_readable, bool quiet,
                     double max_cost) {
    auto usage = ledger.usage();
    if (!usage.empty() && machine_readable) {  // stdout stays machine-readable
        nlohmann::json u;
        for (auto& [name, x] : usage)
            u[name] = {{"requests", x.requests},
                       {"cached", x.cached},
                       {"answered", x.answered},
                       {"abstained", x.abstained},
                       {"failed", x.failed},
                       {"input_tokens", x.input_tokens},
                       {"output_tokens", x.output_tokens},
                       {"cost_usd", x.cost}};
        fmt::print(stderr, "{}\n", nlohmann::json{{"llm_usage", u}}.dump());
    } else if (!usage.empty() && !quiet) {
        fmt::print("\nLLM usage:\n");
        for (auto& [name, x] : usage)
            fmt::print(
                "  {}: {} request(s), {} answer(s) from the cache, {} answered, {} abstained, "
                "{} "
                "failed; {} input and {} output tokens; ${:.4f}\n",
                name, x.requests, x.cached, x.answered, x.abstained, x.failed, x.input_tokens,
                x.output_tokens, x.cost);
        if (max_cost > 0)
            fmt::print("  total ${:.4f} of the ${:.2f} budget\n", ledger.spent(), max_cost);
    }
}

}  // namespace stablepick::cli
