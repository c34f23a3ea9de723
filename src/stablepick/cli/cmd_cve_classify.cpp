// stablepick cve classify: does a commit look like the fixes that got CVEs before? The ballot
// of the CVE classifier (`train --label cve`): the precedents' vote over CVE-labelled history,
// the learned model, and LLM voters asked the security question. Commits that are already
// covered (a CVE of their own or of the fix they backport, a revert, an earlier CVE fix of the
// same bug) are flagged and never proposed.
#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>

#include "stablepick/cli/commit_voting.hpp"
#include "stablepick/cli/cve_commands.hpp"
#include "stablepick/llm/prompt.hpp"
#include "stablepick/util/progress.hpp"
#include "stablepick/util/time.hpp"
#include "stablepick/vote/saved_model.hpp"

namespace stablepick::cli {
namespace {

constexpr const char* kAssign = "ASSIGN CVE";
constexpr const char* kNoCve = "NO CVE NEEDED";

template <typename F>
Status each_row(Store& store, const char* sql, const std::vector<std::string>& args, F&& f) {
    auto q = store.db().prepare(sql);
    if (!q) return std::unexpected(Store::error(q.error(), "read CVEs"));
    for (size_t a = 0; a < args.size(); ++a) q->bind(static_cast<int>(a + 1), args[a]);
    while (true) {
        auto r = q->step();
        if (!r) return std::unexpected(Store::error(r.error(), "read CVEs"));
        if (!*r) return {};
        f(*q);
    }
}

// Published CVEs whose fix is `sha` (rejected ids are left out).
Result<std::vector<std::string>> cves_fixed_by(Store& store, const std::string& sha) {
    std::vector<std::string> out;
    auto st = each_row(store,
                       "SELECT x.cve FROM cves x LEFT JOIN cve_status s ON s.cve = x.cve WHERE "
                       "x.fix_sha = ? AND COALESCE(s.status, 'published') <> 'rejected' ORDER BY "
                       "x.cve",
                       {sha}, [&](util::Statement& q) { out.push_back(q.text(0)); });
    if (!st) return std::unexpected(st.error());
    return out;
}

struct Covered {
    std::string kind;  // has-cve, backport-of-cve-fix, reverted, bug-already-fixed
    std::string detail;
    std::vector<std::string> cves;
};

// What already covers commit `i` (a main commit; `stable_id` the stable commit given for it).
Result<std::vector<Covered>> coverage(Store& store, const Corpus& corpus, size_t i,
                                      const std::string& stable_id,
                                      const std::multimap<int, size_t>& fixers) {
    const auto& commits = corpus.commits();
    const CommitFacts& f = commits[i];
    std::vector<Covered> out;
    auto own = cves_fixed_by(store, f.id);
    if (!own) return std::unexpected(own.error());
    if (!own->empty()) {
        if (stable_id.empty())
            out.push_back({"has-cve", fmt::format("already has {}", fmt::join(*own, ", ")), *own});
        else
            out.push_back(
                {"backport-of-cve-fix",
                 fmt::format("{} is the backport of {}, which has {}", stable_id.substr(0, 12),
                             f.id.substr(0, 12), fmt::join(*own, ", ")),
                 *own});
    }
    std::vector<std::string> reverts;
    auto st = each_row(store,
                       "SELECT c.sha FROM commits c WHERE c.revert_of = ? AND c.is_revert = 1 "
                       "AND EXISTS(SELECT 1 FROM branch_commits bc JOIN branches b ON b.id = "
                       "bc.branch_id WHERE bc.commit_id = c.id AND b.kind = 'main') ORDER BY "
                       "c.commit_time",
                       {f.id}, [&](util::Statement& q) { reverts.push_back(q.text(0)); });
    if (!st) return std::unexpected(st.error());
    if (!reverts.empty()) {
        std::vector<std::string> shorts;
        for (auto& r : reverts) shorts.push_back(r.substr(0, 12));
        out.push_back({"reverted", fmt::format("reverted by {}", fmt::join(shorts, ", ")), {}});
    }
    // An earlier fix of the same bug (the same Fixes: target) that already has a CVE.
    std::set<size_t> seen;
    for (int t : f.fixes_targets) {
        auto [lo, hi] = fixers.equal_range(t);
        for (auto it = lo; it != hi; ++it) {
            size_t j = it->second;
            if (j == i || commits[j].time > f.time || !seen.insert(j).second) continue;
            auto theirs = cves_fixed_by(store, commits[j].id);
            if (!theirs) return std::unexpected(theirs.error());
            if (theirs->empty()) continue;
            out.push_back({"bug-already-fixed",
                           fmt::format("the bug it fixes ({}) was already fixed by {} ({})",
                                       commits[static_cast<size_t>(t)].id.substr(0, 12),
                                       commits[j].id.substr(0, 12), fmt::join(*theirs, ", ")),
                           *theirs});
        }
    }
    return out;
}

// CVEs that bear on commit `i` without covering it: those of the commits it fixes.
Result<std::vector<std::string>> related_cves(Store& store, const Corpus& corpus, size_t i) {
    std::vector<std::string> out;
    for (int t : corpus.commits()[i].fixes_targets) {
        auto theirs = cves_fixed_by(store, corpus.commits()[static_cast<size_t>(t)].id);
        if (!theirs) return std::unexpected(theirs.error());
        out.insert(out.end(), theirs->begin(), theirs->end());
    }
    return out;
}

void print_classification(const nlohmann::json& j, size_t offline_voters, bool verbose) {
    auto& t = j["tally"];
    fmt::print("{:<14} {:.2f}  {}/{}{}  {}  {}\n", j["decision"].get<std::string>(),
               j["probability"].get<double>(), t["yes"].get<int>(), t["answered"].get<int>(),
               t["failed"].get<int>() ? fmt::format(" ({} failed)", t["failed"].get<int>()) : "",
               j["id"].get<std::string>().substr(0, 12), j["subject"].get<std::string>());
    if (j.contains("backport_of"))
        fmt::print("    given as {}, the backport of this commit\n",
                   j["given"].get<std::string>().substr(0, 12));
    for (auto& c : j["covered"])
        fmt::print("    already covered: {}\n", c["detail"].get<std::string>());
    if (!j["related_cves"].empty())
        fmt::print("    related: {}\n", fmt::join(j["related_cves"], ", "));
    size_t n = 0;
    for (auto& v : j["votes"]) {
        bool llm = n++ >= offline_voters;
        std::string line = fmt::format(
            "    {} {} {:.2f}: {}", v["voter"].get<std::string>(), v["verdict"].get<std::string>(),
            v["probability"].get<double>(), v["reason"].get<std::string>());
        if (!v["error"].get<std::string>().empty())
            line = fmt::format("    {} failed: {}", v["voter"].get<std::string>(),
                               v["error"].get<std::string>());
        fmt::print("{}\n", line);
        if (llm && (verbose || j["decision"] == kAssign) &&
            !v["explanation"].get<std::string>().empty()) {
            std::string text = v["explanation"].get<std::string>();
            for (size_t pos = 0; pos < text.size();) {
                size_t end = std::min(text.find('\n', pos), text.size());
                fmt::print("      {}\n", text.substr(pos, end - pos));
                pos = end + 1;
            }
        }
    }
    for (auto& p : j["precedents"])
        fmt::print("    like {} {:.2f} [CVE Status: {}]{} {}\n",
                   p["id"].get<std::string>().substr(0, 12), p["similarity"].get<double>(),
                   p["cve"].get<bool>() ? "YES" : "NO",
                   p["cves"].empty() ? "" : fmt::format(" {}", fmt::join(p["cves"], ", ")),
                   p["subject"].get<std::string>());
    fmt::print("\n");
}

}  // namespace

CveSubcommand make_cve_classify_command() {
    struct Options {
        std::vector<std::string> specs;
        std::string policy;
        size_t precedents = 5;
        size_t limit = 0;
        bool json = false;
        std::vector<std::string> llm_urls;
        bool no_llm = false;
        bool refresh = false;
        double max_cost = 0;
        std::string make_prompt;
    };
    auto opts = std::make_shared<Options>();
    CveSubcommand c;
    c.name = "classify";
    c.summary = "which commits fix vulnerabilities that should get a CVE";
    c.setup = [opts](CLI::App& app) {
        app.add_option("commits", opts->specs,
                       "commits or ranges (v6.1..v6.2); stable-branch commits are classified as "
                       "the main-branch commit they backport")
            ->required();
        app.add_option("--policy", opts->policy,
                       "ballot policy: weighted or majority (default: the trained one)")
            ->check(CLI::IsMember({"weighted", "majority"}));
        app.add_option("--precedents", opts->precedents, "CVE-labelled precedents shown per commit")
            ->capture_default_str();
        app.add_option("-n,--limit", opts->limit,
                       "show only the N commits ranked highest; LLMs are asked only about the N "
                       "the offline voters rank highest (0: all)")
            ->capture_default_str();
        app.add_flag("--json", opts->json, "print JSON");
        app.add_option("--llm", opts->llm_urls,
                       "add an LLM voter (openai://, anthropic://, ollama://, exec:); repeatable; "
                       "also [[llm.providers]] in the config")
            ->type_name("URL");
        app.add_flag("--no-llm", opts->no_llm, "leave out the LLM voters of the config");
        app.add_flag("--refresh", opts->refresh, "ask the LLMs again instead of reading the cache");
        app.add_option("--max-cost", opts->max_cost,
                       "stop asking LLMs before their cost passes this many US dollars")
            ->check(CLI::NonNegativeNumber);
        app.add_option(
            "--make-prompt", opts->make_prompt,
            "write each commit's security prompt to DIR/<id>.prompt.md and call nothing");
        app.footer(
            "Needs the CVE classifier: import CVEs ('stablepick import vulns|cve-list|"
            "advisories'), then 'stablepick train --label cve'.");
    };
    c.run = [opts](Context& ctx) -> int {
        Store& store = *ctx.store;
        auto model = load_offline_model(store, Label::kCve);
        if (!model) return report(model.error());
        auto embedding = load_current_model(store);
        if (!embedding) return report(embedding.error());
        if (embedding->id() != model->summary().embedding_model)
            return report(Error{ErrorCode::kInvalidInput,
                                fmt::format("the CVE classifier was trained with embedding '{}' "
                                            "but the store's is now '{}': run 'stablepick train "
                                            "--label cve'",
                                            model->summary().embedding_model, embedding->id())});
        auto corpus = Corpus::load(store, {.label = Label::kCve});
        if (!corpus) return report(corpus.error());
        const auto& commits = corpus->commits();

        // Stable-branch commits stand for the main commit they backport.
        std::map<std::string, std::string> given;  // main id -> the stable id given
        std::vector<std::string> specs;
        for (auto& spec : opts->specs) {
            std::string id = spec;
            if (spec.find("..") == std::string::npos && !corpus->index_of_id(spec) && ctx.repo)
                if (auto oid = ctx.repo->resolve_commit(spec)) id = git::to_hex(*oid);
            if (spec.find("..") != std::string::npos || corpus->index_of_id(id)) {
                specs.push_back(spec);
                continue;
            }
            std::string main_id;
            auto st = each_row(store, "SELECT main_sha FROM backports WHERE stable_sha = ? LIMIT 1",
                               {id}, [&](util::Statement& q) { main_id = q.text(0); });
            if (!st) return report(st.error());
            if (main_id.empty()) {
                specs.push_back(spec);  // commits_named reports it
                continue;
            }
            given[main_id] = id;
            specs.push_back(main_id);
        }
        auto queries = commits_named(specs, *corpus, ctx.repo);
        if (!queries) return report(queries.error());
        if (queries->empty()) {
            fmt::print("no commits to classify\n");
            return exit_code::kOk;
        }
        auto vectors = stored_vectors(store, *corpus, embedding->id());
        if (!vectors) return report(vectors.error());
        std::vector<int64_t> rows;
        for (size_t i : *queries)
            if ((*vectors)[i].empty()) rows.push_back(commits[i].row);
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
        size_t ranked =
            keep_offline_top(*queries, evidence, *voters, ballot, *corpus, *vectors, opts->limit);

        // LLM voters read the security prompt: CVE policy, CVE-labelled precedents.
        std::vector<ProviderConfig> providers;
        if (!opts->no_llm) providers = ctx.config.llm.providers;
        for (auto& url : opts->llm_urls) providers.push_back(ProviderConfig{.url = url});
        std::vector<Prompt> prompts;
        auto ledger = std::make_shared<llm::UsageLedger>(opts->max_cost);
        std::mutex progress_mutex;
        std::optional<util::Progress> progress;
        std::optional<Store> writer;  // for the LLM cache
        if (!providers.empty() || !opts->make_prompt.empty()) {
            auto inputs = llm::gather_prompt_inputs(
                store, *corpus, *queries, evidence,
                static_cast<size_t>(std::max(0, ctx.config.llm.precedents)));
            if (!inputs) return report(inputs.error());
            llm::PromptOptions prompt_options;
            prompt_options.security = true;
            prompt_options.max_diff_bytes = static_cast<size_t>(ctx.config.llm.max_diff_bytes);
            prompt_options.rules = llm::cve_policy(
                ctx.repo ? &*ctx.repo : nullptr, main_branch_of(store), ctx.config.cve.policy_text);
            for (auto& in : *inputs) prompts.push_back(llm::build_prompt(in, prompt_options));
            if (!opts->make_prompt.empty()) {
                if (auto w = write_prompts(opts->make_prompt, *queries, *corpus, prompts); !w)
                    return report(w.error());
                fmt::print("wrote {} prompt(s) to {}; no LLM was called\n", prompts.size(),
                           opts->make_prompt);
                return exit_code::kOk;
            }
            if (auto w = Store::open(store.path(), Store::Mode::kWrite))
                writer.emplace(std::move(*w));
            else
                warn(fmt::format("LLM answers are not cached this run: {}", w.error().message));
            if (!ctx.global.quiet)
                progress.emplace("asking LLMs",
                                 static_cast<int64_t>(providers.size() * queries->size()));
            auto added = add_llm_voters(ctx, writer ? &*writer : nullptr, *corpus, *vectors,
                                        providers, ledger, opts->refresh, [&] {
                                            std::lock_guard lock(progress_mutex);
                                            if (progress) progress->advance();
                                        });
            if (!added) return report(added.error());
            for (auto& v : *added) voters->push_back(std::move(v));
        }
        auto votes = cast_votes(*voters, *corpus, *vectors, *queries, evidence, prompts);
        if (progress) progress->finish();

        std::multimap<int, size_t> fixers;  // Fixes: target -> the commits naming it
        for (size_t i = 0; i < commits.size(); ++i)
            for (int t : commits[i].fixes_targets) fixers.emplace(t, i);

        std::vector<BallotResult> results;
        for (auto& row : votes) results.push_back(ballot.decide(std::move(row)));
        std::vector<size_t> order(queries->size());
        std::iota(order.begin(), order.end(), 0);
        std::ranges::stable_sort(order, [&](size_t a, size_t b) {
            return results[a].probability > results[b].probability;
        });
        if (opts->limit && order.size() > opts->limit) order.resize(opts->limit);

        std::vector<nlohmann::json> out;
        size_t assign = 0, covered_n = 0;
        for (size_t q : order) {
            size_t i = (*queries)[q];
            const CommitFacts& f = commits[i];
            const BallotResult& r = results[q];
            auto stable = given.find(f.id);
            auto covered =
                coverage(store, *corpus, i, stable == given.end() ? "" : stable->second, fixers);
            if (!covered) return report(covered.error());
            auto related = related_cves(store, *corpus, i);
            if (!related) return report(related.error());
            std::set<std::string> related_set(related->begin(), related->end());
            for (auto& cv : *covered) related_set.insert(cv.cves.begin(), cv.cves.end());
            bool assigned = r.selected && covered->empty();
            assign += assigned;
            covered_n += !covered->empty();
            nlohmann::json j{
                {"id", f.id},
                {"subject", f.subject},
                {"date", util::format_date(f.time)},
                {"decision", assigned ? kAssign : kNoCve},
                {"selected_by_ballot", r.selected},
                {"probability", r.probability},
                {"policy", ballot_policy_name(policy)},
                {"tally", {{"yes", r.yes}, {"answered", r.answered}, {"failed", r.failed}}},
                {"reasons", r.reasons},
                {"related_cves", std::vector<std::string>(related_set.begin(), related_set.end())}};
            if (stable != given.end()) {
                j["given"] = stable->second;
                j["backport_of"] = f.id;
            }
            j["covered"] = nlohmann::json::array();
            for (auto& cv : *covered)
                j["covered"].push_back(
                    {{"kind", cv.kind}, {"detail", cv.detail}, {"cves", cv.cves}});
            j["votes"] = nlohmann::json::array();
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
            j["precedents"] = nlohmann::json::array();
            for (auto& p : evidence[q].precedents) {
                if (j["precedents"].size() >= opts->precedents) break;
                auto theirs = cves_fixed_by(store, commits[p.index].id);
                if (!theirs) return report(theirs.error());
                j["precedents"].push_back({{"id", commits[p.index].id},
                                           {"subject", commits[p.index].subject},
                                           {"similarity", p.similarity},
                                           {"cve", p.backported},
                                           {"cves", *theirs}});
            }
            out.push_back(std::move(j));
        }
        if (opts->json) {
            fmt::print("{}\n", nlohmann::json(out).dump(2));
        } else {
            std::vector<std::string> names;
            for (auto& v : *voters) names.push_back(v->name());
            fmt::print("{} of {} commits: {}; {} already covered ({} ballot: {}){}\n\n", assign,
                       results.size(), kAssign, covered_n, ballot_policy_name(policy),
                       fmt::join(names, ", "), top_of(results.size(), ranked));
            for (auto& j : out) print_classification(j, ballot.voters().size(), ctx.global.verbose);
        }
        print_llm_usage(*ledger, opts->json, ctx.global.quiet, opts->max_cost);
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
