// stablepick review: ranks commits by how likely they belong in the stable trees, with the
// ballot's top reasons and the nearest precedents, so a maintainer reads the likely ones first.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <sstream>

#include "stablepick/cli/command.hpp"
#include "stablepick/llm/llm_voter.hpp"
#include "stablepick/llm/prompt.hpp"
#include "stablepick/util/progress.hpp"
#include "stablepick/util/time.hpp"
#include "stablepick/vote/saved_model.hpp"

namespace stablepick::cli {
namespace {

// The corpus indexes `specs` name: ranges ("v1..v2", non-merge commits) need the repository,
// single commits may be abbreviated. kNotFound names what is not in the store.
Result<std::vector<size_t>> commits_named(const std::vector<std::string>& specs,
                                          const Corpus& corpus,
                                          const std::optional<git::Repository>& repo) {
    std::vector<size_t> out;
    std::vector<std::string> missing;
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
                if (!commit || git_commit_parentcount(commit->get()) > 1) continue;
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
    std::set<size_t> seen;
    std::erase_if(out, [&](size_t i) { return !seen.insert(i).second; });
    return out;
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
            out += fmt::format("{} {:.2f} [Backported: {}] {}\n", commits[j].id.substr(0, 12),
                               best[r].first, corpus.first_backport(j) != kNever ? "YES" : "NO",
                               commits[j].subject);
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

}  // namespace

Command make_review_command() {
    struct Options {
        std::vector<std::string> specs;
        std::string model_file;
        std::string policy;
        size_t precedents = 3;
        size_t limit = 0;
        bool json = false;
        std::vector<std::string> llm_urls;
        bool no_llm = false;
        bool refresh = false;
        double max_cost = 0;
        std::string make_prompt;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "review";
    c.summary =
        "rank commits by the ballot's probability that they belong in stable, with reasons and "
        "precedents";
    c.needs = kWantsRepo | kNeedsStoreRead;
    c.setup = [opts](CLI::App& app) {
        app.add_option("commits", opts->specs, "commits (ids or prefixes) or ranges (v6.1..v6.2)")
            ->required();
        app.add_option("--model", opts->model_file,
                       "use the voters' model in this file (from 'train --output')");
        app.add_option("--policy", opts->policy,
                       "ballot policy: weighted or majority (default: the trained one)")
            ->check(CLI::IsMember({"weighted", "majority"}));
        app.add_option("--precedents", opts->precedents, "precedents shown per commit")
            ->capture_default_str();
        app.add_option("-n,--limit", opts->limit, "show only the first N commits (0: all)")
            ->capture_default_str();
        app.add_flag("--json", opts->json, "print JSON");
        app.add_option(
            "--llm", opts->llm_urls,
            "add an LLM voter: openai://host[:port]/model, anthropic://model, "
            "ollama://host[:port]/model or exec:/program (repeatable; also [[llm.providers]] "
            "in the config)");
        app.add_flag("--no-llm", opts->no_llm, "leave out the LLM voters of the config");
        app.add_flag("--refresh", opts->refresh,
                     "ask the LLMs again instead of reading their cached answers");
        app.add_option(
               "--max-cost", opts->max_cost,
               "stop asking LLMs before their cost passes this many US dollars (0: no limit)")
            ->check(CLI::NonNegativeNumber);
        app.add_option("--make-prompt", opts->make_prompt,
                       "write each commit's LLM prompt to DIR/<id>.prompt.md and call nothing");
    };
    c.run = [opts](Context& ctx) -> int {
        Store& store = *ctx.store;
        auto model = opts->model_file.empty() ? load_offline_model(store)
                                              : read_offline_model(opts->model_file, store);
        if (!model) return report(model.error());
        auto embedding = load_current_model(store);
        if (!embedding) return report(embedding.error());
        if (embedding->id() != model->summary().embedding_model)
            return report(Error{
                ErrorCode::kInvalidInput,
                fmt::format(
                    "the voters were trained with embedding '{}' but the store's is now '{}': "
                    "run 'stablepick train'",
                    model->summary().embedding_model, embedding->id())});
        auto corpus = Corpus::load(store);
        if (!corpus) return report(corpus.error());
        auto queries = commits_named(opts->specs, *corpus, ctx.repo);
        if (!queries) return report(queries.error());
        if (queries->empty()) {
            fmt::print("no commits to review\n");
            return exit_code::kOk;
        }
        auto vectors = stored_vectors(store, *corpus, embedding->id());
        if (!vectors) return report(vectors.error());
        std::vector<int64_t> rows;
        for (size_t i : *queries)
            if ((*vectors)[i].empty()) rows.push_back(corpus->commits()[i].row);
        if (!rows.empty()) {  // indexed but not embedded yet
            auto terms = terms_of(store, rows);
            if (!terms) return report(terms.error());
            for (size_t r = 0; r < rows.size(); ++r)
                (*vectors)[*corpus->index_of_row(rows[r])] = embedding->embed((*terms)[r]);
        }
        std::vector<int64_t> now(queries->size(), kNever);
        auto evidence = evidence_for(*corpus, *vectors, *queries, now, model->evidence_options());
        BallotPolicy policy =
            opts->policy.empty() ? model->default_policy() : *parse_ballot_policy(opts->policy);
        const Ballot& ballot = model->ballot(policy);
        auto voters = model->voters(ballot.voters());
        if (!voters) return report(voters.error());

        // LLM voters: the config's providers and --llm ones, each reading a grounded prompt.
        std::vector<ProviderConfig> providers;
        if (!opts->no_llm) providers = ctx.config.llm.providers;
        for (auto& url : opts->llm_urls) providers.push_back(ProviderConfig{.url = url});
        std::vector<Prompt> prompts;
        auto ledger = std::make_shared<llm::UsageLedger>(opts->max_cost);
        std::mutex progress_mutex;
        std::optional<util::Progress> progress;
        if (!providers.empty() || !opts->make_prompt.empty()) {
            auto inputs = llm::gather_prompt_inputs(
                store, *corpus, *queries, evidence,
                static_cast<size_t>(std::max(0, ctx.config.llm.precedents)));
            if (!inputs) return report(inputs.error());
            llm::PromptOptions prompt_options;
            prompt_options.max_diff_bytes = static_cast<size_t>(ctx.config.llm.max_diff_bytes);
            prompt_options.rules = llm::stable_rules(
                ctx.repo ? &*ctx.repo : nullptr, main_branch_of(store), ctx.config.llm.policy_text);
            for (auto& in : *inputs) prompts.push_back(llm::build_prompt(in, prompt_options));
            if (!opts->make_prompt.empty()) {
                if (auto w = write_prompts(opts->make_prompt, *queries, *corpus, prompts); !w)
                    return report(w.error());
                fmt::print("wrote {} prompt(s) to {}; no LLM was called\n", prompts.size(),
                           opts->make_prompt);
                return exit_code::kOk;
            }
            std::optional<Store> cache_store;
            if (auto s = Store::open(store.path(), Store::Mode::kWrite))
                cache_store.emplace(std::move(*s));
            else
                warn(fmt::format("LLM answers are not cached this run: {}", s.error().message));
            auto cache = std::make_shared<llm::LlmCache>(std::move(cache_store));
            std::shared_ptr<const llm::GitTools> tools;
            if (ctx.repo)
                tools = std::make_shared<llm::GitTools>(
                    ctx.repo->git_dir(),
                    llm::ToolLimits{static_cast<size_t>(ctx.config.llm.tool_output_bytes),
                                    std::chrono::seconds(10)},
                    similar_commits_tool(*corpus, *vectors));
            if (!ctx.global.quiet)
                progress.emplace("asking LLMs",
                                 static_cast<int64_t>(providers.size() * queries->size()));
            llm::LlmVoterOptions voter_options;
            voter_options.max_turns = ctx.config.llm.max_turns;
            voter_options.wall_time = std::chrono::milliseconds(ctx.config.llm.wall_time_ms);
            voter_options.refresh = opts->refresh;
            voter_options.on_answer = [&] {
                std::lock_guard lock(progress_mutex);
                if (progress) progress->advance();
            };
            for (auto& p : providers) {
                auto spec = llm::parse_provider(p);
                if (!spec) return report(spec.error());
                voters->push_back(llm::make_llm_voter(llm::make_provider(std::move(*spec)), cache,
                                                      tools, ledger, voter_options));
            }
        }
        auto votes = cast_votes(*voters, *corpus, *vectors, *queries, evidence, prompts);
        if (progress) progress->finish();
        std::vector<BallotResult> results;
        for (auto& row : votes) results.push_back(ballot.decide(std::move(row)));
        std::vector<size_t> order(queries->size());
        std::iota(order.begin(), order.end(), 0);
        std::ranges::stable_sort(order, [&](size_t a, size_t b) {
            return results[a].probability > results[b].probability;
        });
        if (opts->limit && order.size() > opts->limit) order.resize(opts->limit);

        const auto& commits = corpus->commits();
        nlohmann::json out = nlohmann::json::array();
        size_t selected = 0;
        for (auto& r : results) selected += r.selected;
        if (!opts->json) {
            std::vector<std::string> names;
            for (auto& v : *voters) names.push_back(v->name());
            fmt::print("{} of {} commits selected by the {} ballot ({})\n\n", selected,
                       results.size(), ballot_policy_name(policy), fmt::join(names, ", "));
        }
        for (size_t q : order) {
            const CommitFacts& f = commits[(*queries)[q]];
            const BallotResult& r = results[q];
            std::vector<const Precedent*> shown;
            for (auto& p : evidence[q].precedents)
                if (shown.size() < opts->precedents) shown.push_back(&p);
            if (opts->json) {
                nlohmann::json j{{"id", f.id},
                                 {"subject", f.subject},
                                 {"date", util::format_date(f.time)},
                                 {"probability", r.probability},
                                 {"selected", r.selected},
                                 {"reasons", r.reasons}};
                for (auto& v : r.votes)
                    j["votes"].push_back({{"voter", v.voter},
                                          {"verdict", verdict_name(v.verdict)},
                                          {"probability", v.probability},
                                          {"reason", v.reason},
                                          {"evidence", v.evidence},
                                          {"error", v.error},
                                          {"explanation", v.explanation},
                                          {"cached", v.cached},
                                          {"tool_calls", tool_calls_json(v)}});
                j["tally"] = {{"yes", r.yes}, {"answered", r.answered}, {"failed", r.failed}};
                j["precedents"] = nlohmann::json::array();
                for (auto* p : shown)
                    j["precedents"].push_back({{"id", commits[p->index].id},
                                               {"subject", commits[p->index].subject},
                                               {"similarity", p->similarity},
                                               {"backported", p->backported}});
                out.push_back(std::move(j));
                continue;
            }
            fmt::print("{:5.1f} %  {}  {}  {}\n", 100 * r.probability, r.selected ? "YES" : "no ",
                       f.id.substr(0, 12), f.subject);
            fmt::print("           votes {}/{} yes{}\n", r.yes, r.answered,
                       r.failed ? fmt::format(", {} failed", r.failed) : "");
            for (auto& reason : r.reasons) fmt::print("           - {}\n", reason);
            for (size_t v = ballot.voters().size(); v < r.votes.size(); ++v) {  // the LLM voters
                const Vote& vote = r.votes[v];
                if (!vote.error.empty()) {
                    fmt::print("           {}: failed: {}\n", vote.voter, vote.error);
                    continue;
                }
                fmt::print(
                    "           {}: {}{}{}\n", vote.voter,
                    vote.verdict == Verdict::kAbstain
                        ? std::string("abstained")
                        : fmt::format("{} ({:.2f})", vote.verdict == Verdict::kYes ? "YES" : "NO",
                                      vote.probability),
                    vote.cached ? ", cached" : "",
                    vote.verdict == Verdict::kAbstain ? ": " + vote.reason : std::string());
                std::istringstream lines(vote.explanation);
                for (std::string line; std::getline(lines, line);)
                    fmt::print("               {}\n", line);
                if (!vote.evidence.empty())
                    fmt::print("               cites {}\n", fmt::join(vote.evidence, ", "));
                for (auto& call : vote.tool_calls) {
                    fmt::print("               tool {} {}\n", call.tool, call.arguments);
                    if (ctx.global.verbose) {
                        std::istringstream out(call.output);
                        for (std::string line; std::getline(out, line);)
                            fmt::print("                 | {}\n", line);
                    }
                }
            }
            for (auto* p : shown)
                fmt::print("           precedent {} ({:.2f}, {}): {}\n",
                           commits[p->index].id.substr(0, 12), p->similarity,
                           p->backported ? "backported" : "not backported",
                           commits[p->index].subject);
        }
        auto usage = ledger->usage();
        if (opts->json) {
            if (!usage.empty()) {  // the ranked list stays an array; usage goes to stderr
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
            }
            fmt::print("{}\n", out.dump(2));
        } else if (!usage.empty() && !ctx.global.quiet) {
            fmt::print("\nLLM usage:\n");
            for (auto& [name, x] : usage)
                fmt::print(
                    "  {}: {} request(s), {} answer(s) from the cache, {} answered, {} abstained, "
                    "{} failed; "
                    "{} input and {} output tokens; ${:.4f}\n",
                    name, x.requests, x.cached, x.answered, x.abstained, x.failed, x.input_tokens,
                    x.output_tokens, x.cost);
            if (opts->max_cost > 0)
                fmt::print("  total ${:.4f} of the ${:.2f} budget\n", ledger->spent(),
                           opts->max_cost);
        }
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
