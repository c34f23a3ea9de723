#include "stablepick/review/review.hpp"

#include <fmt/format.h>

#include <ctime>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>

#include "stablepick/embed/builtin_embedder.hpp"
#include "stablepick/embed/embeddings.hpp"
#include "stablepick/git/commit_patch.hpp"
#include "stablepick/git/range.hpp"
#include "stablepick/index/vector_index.hpp"
#include "stablepick/llm/cache.hpp"
#include "stablepick/llm/prompt.hpp"
#include "stablepick/stable/check_text.hpp"
#include "stablepick/stable/maintainers.hpp"
#include "stablepick/stable/queue_lists.hpp"
#include "stablepick/store/commit_reads.hpp"
#include "stablepick/util/atomic_file.hpp"
#include "stablepick/util/time.hpp"
#include "stablepick/vote/saved_model.hpp"

namespace stablepick::review {
namespace {

void say(const std::function<void(const std::string&)>& f, const std::string& text) {
    if (f) f(text);
}

std::string on_branch(const std::string& branch) {
    return branch.empty() ? "on no branch" : "on " + branch;
}

// Where commit `spec` lies when the repository has it off the main branch ("on v255-stable");
// nullopt when it is on main, or git does not know it or the main branch.
std::optional<std::string> off_main_place(const git::Repository& repo, const std::string& spec,
                                          const std::string& main) {
    auto oid = repo.resolve_commit(spec);
    auto main_tip = repo.resolve_commit(main);
    if (!oid || !main_tip) return std::nullopt;
    auto in = repo.is_ancestor(*oid, *main_tip);
    if (!in || *in) return std::nullopt;
    return on_branch(git::branch_holding(repo, *oid, main));
}

// A range as a maintainer writes it: an end that is not on the main branch (a release tag or a
// stable branch) stands for the main-branch commit it forks from, and a note says so.
// "A...B" is left as git reads it.
Result<std::string> range_on_main(const git::Repository& repo, const std::string& spec,
                                  const std::string& main, const ReviewHooks& hooks) {
    size_t dots = spec.find("..");
    if (spec.find("...") != std::string::npos) return spec;
    auto main_tip = repo.resolve_commit(main);
    if (!main_tip) return spec;  // no main branch to speak of: git decides
    std::string ends[2] = {spec.substr(0, dots), spec.substr(dots + 2)};
    std::string branch;  // the last end's branch off main
    bool moved = false;
    for (auto& end : ends) {
        if (end.empty()) end = "HEAD";
        auto oid = repo.resolve_commit(end);
        if (!oid)
            return fail(ErrorCode::kNotFound,
                        fmt::format("bad range '{}': {}", spec, oid.error().message));
        auto on_main = repo.is_ancestor(*oid, *main_tip);
        if (!on_main) return std::unexpected(on_main.error());
        if (*on_main) {
            end = git::to_hex(*oid);
            continue;
        }
        auto base = git::merge_base(repo, *oid, *main_tip);
        if (!base) return std::unexpected(base.error());
        branch = git::branch_holding(repo, *oid, main);
        say(hooks.note,
            fmt::format("'{}' is {}, not on {}: taken as {}, where its line forks "
                        "from {}",
                        end, on_branch(branch), main, git::to_hex(*base).substr(0, 12), main));
        end = git::to_hex(*base);
        moved = true;
    }
    if (moved && ends[0] == ends[1])
        return fail(ErrorCode::kNotFound,
                    fmt::format("'{}' holds no commit of {}: its commits are {}, above where it "
                                "forks from {} at {}; name commits of {} (e.g. {}~50..{}) or "
                                "review the newest with --last 50",
                                spec, main, on_branch(branch), main, ends[0].substr(0, 12), main,
                                main, main));
    return ends[0] + ".." + ends[1];
}

// The history indexes `specs` name: ranges ("v1..v2", non-merge commits) need the repository,
// single commits may be abbreviated. kNotFound names what is not in the store, and where a
// commit lies when it is not on the main branch.
// Whether `spec` abbreviates the ids of two or more stored commits (CommitHistory::index_of_id
// answers nothing for those, as for an id it does not hold). Only asked on the way to an error.
bool prefix_of_several(const CommitHistory& history, std::string_view spec) {
    if (spec.empty() || spec.size() >= 40 ||
        spec.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
        return false;
    std::string lower(spec);
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    size_t n = 0;
    for (auto& c : history.commits())
        if (c.id.starts_with(lower) && ++n > 1) return true;
    return false;
}

Result<std::vector<size_t>> commits_named(const std::vector<std::string>& specs, size_t last,
                                          const CommitHistory& history, const git::Repository* repo,
                                          const std::string& main, const ReviewHooks& hooks) {
    std::vector<size_t> out;
    std::vector<std::string> missing;
    std::vector<std::string> off_main;  // "id is on BRANCH"
    size_t merges = 0;
    // --last N: the newest N main-branch commits the store holds (the history is oldest first).
    for (size_t i = history.commits().size() - std::min(last, history.commits().size());
         i < history.commits().size(); ++i)
        out.push_back(i);
    for (auto& spec : specs) {
        if (spec.find("..") != std::string::npos) {
            if (!repo)
                return fail(ErrorCode::kNotFound,
                            fmt::format("a range ('{}') needs a repository: use --repo", spec));
            auto on_main = range_on_main(*repo, spec, main, hooks);
            if (!on_main) return std::unexpected(on_main.error());
            auto range = git::commits_in_range(*repo, *on_main);
            if (!range) return std::unexpected(range.error());
            for (auto& c : *range) {
                if (c.merge) {
                    ++merges;
                    continue;
                }
                if (auto i = history.index_of_id(c.id); i && history.commits()[*i].id == c.id)
                    out.push_back(*i);
                else
                    missing.push_back(c.id.substr(0, 12));
            }
            continue;
        }
        auto i = history.index_of_id(spec);
        if (!i && repo) {
            auto oid = repo->resolve_commit(spec);
            if (oid) i = history.index_of_id(git::to_hex(*oid));
            if (!oid && oid.error().code == ErrorCode::kAmbiguous)
                return fail(
                    ErrorCode::kAmbiguous,
                    fmt::format("'{}' names more than one commit: give more of its id", spec));
        }
        if (!i && prefix_of_several(history, spec))
            return fail(
                ErrorCode::kAmbiguous,
                fmt::format("'{}' names more than one stored commit: give more of its id", spec));
        if (i) {
            out.push_back(*i);
            continue;
        }
        if (auto where = repo ? off_main_place(*repo, spec, main) : std::nullopt) {
            off_main.push_back(fmt::format("{} is {}", spec, *where));
            continue;
        }
        missing.push_back(spec);
    }
    if (!off_main.empty())
        return fail(
            ErrorCode::kNotFound,
            fmt::format("{} commit(s) not on {} ({}{}): name main-branch commits (a "
                        "stable commit's main commit is in its cherry-pick marker)",
                        off_main.size(), main,
                        fmt::join(off_main.begin(),
                                  off_main.begin() + std::min<size_t>(3, off_main.size()), "; "),
                        off_main.size() > 3 ? "; …" : ""));
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
        say(hooks.warn,
            fmt::format("{} merge commit(s) left out: a merge is not cherry-picked as it is; its "
                        "commits are reviewed one by one",
                        merges));
    std::set<size_t> seen;
    std::erase_if(out, [&](size_t i) { return !seen.insert(i).second; });
    return out;
}

// With the question's stable_as_main: each stable-branch commit given becomes the main commit
// it backports, remembered in `given` (main id -> the stable id).
Result<std::vector<std::string>> main_specs(Store& store, const CommitHistory& history,
                                            const git::Repository* repo,
                                            const std::vector<std::string>& specs,
                                            std::map<std::string, std::string>& given) {
    std::vector<std::string> out;
    for (auto& spec : specs) {
        std::string id = spec;
        bool range = spec.find("..") != std::string::npos;
        if (!range && !history.index_of_id(spec) && repo)
            if (auto oid = repo->resolve_commit(spec)) id = git::to_hex(*oid);
        if (range || history.index_of_id(id)) {
            out.push_back(spec);
            continue;
        }
        auto main_id = store::main_commit_of_backport(store, id);
        if (!main_id) return std::unexpected(main_id.error());
        if (main_id->empty()) {
            out.push_back(spec);  // commits_named reports it
            continue;
        }
        given[*main_id] = id;
        out.push_back(*main_id);
    }
    return out;
}

// With `limit` and more commits than that: keeps in `queries` (and their `evidence`) only the
// `limit` commits the offline voters' ballot ranks highest, in their given order, and returns
// how many there were. LLMs are then asked, and trees checked, only about commits that will be
// shown; without LLM voters the result is what ranking them all would show.
size_t keep_offline_top(std::vector<size_t>& queries, std::vector<Evidence>& evidence,
                        const std::vector<std::unique_ptr<Voter>>& voters, const Ballot& ballot,
                        const CommitHistory& history, const HistoryVectors& vectors, size_t limit) {
    size_t all = queries.size();
    if (limit == 0 || all <= limit) return all;
    auto votes = cast_votes(voters, history, vectors, queries, evidence);
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

// The similar_commits tool: the k earlier commits most like one, by their vectors, each
// marked with the history's label. REQUIRES: history and vectors outlive the tool.
llm::GitTools::SimilarCommits similar_commits_tool(const CommitHistory& history,
                                                   const HistoryVectors& vectors) {
    const auto& commits = history.commits();
    auto index = std::make_shared<ExactIndex>(0);
    for (size_t j = 0; j < commits.size() && j < vectors.size(); ++j)
        if (!vectors[j].empty()) {
            if (index->size() == 0) index = std::make_shared<ExactIndex>(int(vectors[j].size()));
            if (vectors[j].size() == size_t(index->dimension()))
                index->add(static_cast<int64_t>(j), vectors[j], commits[j].time);
        }
    return [&history, &vectors, index](const std::string& spec, int k) -> Result<std::string> {
        auto i = history.index_of_id(spec);
        if (!i)
            return fail(ErrorCode::kNotFound,
                        fmt::format("no indexed main-branch commit '{}'", spec));
        const auto& q = vectors[*i];
        if (q.empty())
            return fail(ErrorCode::kNotFound, fmt::format("commit '{}' has no vector yet", spec));
        const auto& commits = history.commits();
        std::string out;
        if (q.size() == size_t(index->dimension()))
            for (auto& n :
                 index->search(q, static_cast<size_t>(k),
                               {.before = commits[*i].time, .exclude = static_cast<int64_t>(*i)})) {
                auto j = static_cast<size_t>(n.key);
                out += fmt::format(
                    "{} {:.2f} [{}: {}] {}\n", commits[j].id.substr(0, 12), n.similarity,
                    history.label() == Label::kCve ? "CVE Status" : "Backported",
                    history.first_positive(j) != kNever ? "YES" : "NO", commits[j].subject);
            }
        return out.empty() ? std::string("no earlier commit has a vector\n") : out;
    };
}

// One LLM voter per provider, sharing the request cache (in `writer`, or none), the read-only
// git tools (when there is a repository) and the budget in `ledger`.
Result<std::vector<std::unique_ptr<Voter>>> llm_voters(
    const Config& config, const git::Repository* repo, Store* writer, const CommitHistory& history,
    const HistoryVectors& vectors, const std::vector<ProviderConfig>& providers,
    std::shared_ptr<llm::UsageLedger> ledger, bool refresh, std::function<void()> on_answer) {
    auto cache = std::make_shared<llm::LlmCache>(writer);
    std::shared_ptr<const llm::GitTools> tools;
    if (repo)
        tools = std::make_shared<llm::GitTools>(
            repo->git_dir(),
            llm::ToolLimits{static_cast<size_t>(config.llm.tool_output_bytes),
                            std::chrono::seconds(10)},
            similar_commits_tool(history, vectors));
    llm::LlmVoterOptions voter_options;
    voter_options.max_turns = config.llm.max_turns;
    voter_options.wall_time = std::chrono::milliseconds(config.llm.wall_time_ms);
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

// What the checks found, as the sentences the LLM prompt gives as facts about each tree.
std::vector<std::string> tree_facts(const stable::CommitChecks& c) {
    std::vector<std::string> facts;
    for (auto& tc : c.trees) facts.push_back(stable::tree_line(tc));
    if (!c.follow_ups.empty())
        facts.push_back("Fixed again upstream by " + stable::short_refs(c.follow_ups));
    if (!c.series.empty())
        facts.push_back("Same series or merge as " + stable::short_refs(c.series));
    if (!c.reverts.empty())
        facts.push_back("Reverted upstream by " + stable::short_refs(c.reverts));
    return facts;
}

Result<MailFacts> mail_facts_of(Store& store, const git::Repository& repo,
                                const CommitHistory& history, const CommitFacts& f,
                                const stable::Maintainers& maintainers) {
    MailFacts m;
    auto oid = git::from_hex(f.id);
    if (!oid)
        return fail(ErrorCode::kCorrupt, fmt::format("bad commit id '{}' in the store", f.id));
    auto patch = git::commit_patch(repo, *oid);
    if (!patch) return std::unexpected(patch.error());
    m.stat = std::move(patch->stat);
    m.patch = std::move(patch->patch);
    auto author = store::author_of(store, f.row);
    if (!author) return std::unexpected(author.error());
    m.author = std::move(*author);
    m.author_time = f.author_time;
    auto body = store::body_of(store, f.row);
    if (!body) return std::unexpected(body.error());
    m.body = std::move(*body);
    for (int t : f.fixes_targets) {
        auto who = store::author_of(store, history.commits()[static_cast<size_t>(t)].row);
        if (!who) return std::unexpected(who.error());
        m.fixes_authors.push_back(std::move(*who));
    }
    if (!maintainers.empty()) {
        std::vector<std::string> paths;
        for (auto& file : f.files) paths.push_back(file.path);
        m.maintainers = maintainers.for_paths(paths);
    }
    return m;
}

}  // namespace

Question backport_question(const Config& config) {
    Question q;
    q.policy_text = config.llm.policy_text;
    return q;
}

Question cve_question(const Config& config) {
    Question q;
    q.label = Label::kCve;
    q.security = true;
    q.policy_text = config.cve.policy_text;
    q.default_threshold = 0.1;
    q.positive = "ASSIGN CVE";
    q.negative = "NO CVE NEEDED";
    q.stable_as_main = true;
    q.recorded = false;
    return q;
}

Result<ReviewRun> review_commits(Store& store, const git::Repository* repo, const Config& config,
                                 const std::vector<std::string>& specs, const Question& question,
                                 const ReviewOptions& options, const ReviewHooks& hooks) {
    ReviewRun run;
    run.question = question;
    run.usage = std::make_shared<llm::UsageLedger>(options.max_cost);
    auto model = !options.model_file.empty() ? read_offline_model(options.model_file, store)
                                             : load_offline_model(store, question.label);
    if (!model) return std::unexpected(model.error());
    auto opened = open_current_embedder(store, config.embed);
    if (!opened) return std::unexpected(opened.error());
    Embedder& embedder = **opened;
    // Vectors of two embedders are never compared: the voters learned from the vectors of one.
    if (embedder.id() != model->summary().embedding_model) {
        std::string now = builtin_model_of(embedder)
                              ? fmt::format("'{}'", embedder.id())
                              : fmt::format("'{}' ({})", embedder.id(), embedder.url());
        return fail(ErrorCode::kInvalidInput,
                    question.label == Label::kCve
                        ? fmt::format("the CVE classifier was trained with embedding '{}' but the "
                                      "store's is now {}: run 'stablepick train --label cve'",
                                      model->summary().embedding_model, now)
                        : fmt::format("the voters were trained with embedding '{}' but the "
                                      "store's is now {}: run 'stablepick train'",
                                      model->summary().embedding_model, now));
    }
    auto history = CommitHistory::load(store, {.label = question.label});
    if (!history) return std::unexpected(history.error());
    const auto& commits = history->commits();

    std::map<std::string, std::string> given;  // main id -> the stable id named for it
    auto named = question.stable_as_main ? main_specs(store, *history, repo, specs, given)
                                         : Result<std::vector<std::string>>(specs);
    if (!named) return std::unexpected(named.error());
    std::string main = store::main_branch_name(store);
    auto queries = commits_named(*named, options.last, *history, repo, main, hooks);
    if (!queries) return std::unexpected(queries.error());
    if (queries->empty()) return run;

    auto vectors = stored_vectors(store, *history, embedder.id());
    if (!vectors) return std::unexpected(vectors.error());
    std::vector<int64_t> rows;
    for (size_t i : *queries)
        if ((*vectors)[i].empty()) rows.push_back(commits[i].row);
    if (!rows.empty()) {  // indexed but not embedded yet: through the same embedder
        auto texts = texts_of(store, rows);
        if (!texts) return std::unexpected(texts.error());
        auto embedded = embedder.embed(*texts);
        if (!embedded) {
            Error e = embedded.error();
            e.message = fmt::format("cannot embed the {} commit{} without a vector yet: {}",
                                    rows.size(), rows.size() == 1 ? "" : "s", e.message);
            return std::unexpected(e);
        }
        for (size_t r = 0; r < rows.size(); ++r)
            (*vectors)[*history->index_of_row(rows[r])] = std::move((*embedded)[r]);
    }
    std::vector<int64_t> now(queries->size(), kNever);
    auto evidence = evidence_for(*history, *vectors, *queries, now, model->evidence_options());
    run.policy = options.policy.value_or(model->default_policy());
    const Ballot& ballot = model->ballot(run.policy);
    run.threshold = ballot.options().threshold;
    auto voters = model->voters(ballot.voters());
    if (!voters) return std::unexpected(voters.error());
    run.offline_voters = ballot.voters().size();
    run.ranked =
        keep_offline_top(*queries, evidence, *voters, ballot, *history, *vectors, options.limit);

    if (!options.targets.empty()) {
        if (!repo)
            return fail(ErrorCode::kNotFound, "--target needs the repository: use -C/--repo");
        auto t = stable::resolve_targets(*repo, store, main, options.targets);
        if (!t) return std::unexpected(t.error());
        run.targets = std::move(*t);
    }
    // Reviews, decisions and LLM answers are written through a second connection; a store
    // another run holds locked is only read.
    std::optional<Store> writer;
    if (!options.prompts_only && (question.recorded || !options.providers.empty())) {
        if (auto w = Store::open(store.url(), Store::Mode::kWrite))
            writer.emplace(std::move(*w));
        else if (question.recorded)
            say(hooks.note, fmt::format("this review is not recorded: {}", w.error().message));
        else
            say(hooks.warn,
                fmt::format("LLM answers are not cached this run: {}", w.error().message));
    }

    // Per-tree checks come first, so the LLM voters read them too. Blame (for prerequisites,
    // and "affected" without a Fixes: tag where the patch conflicts) is most of their time: it
    // is left for the commits the ballot selects (all_checks: all).
    std::vector<std::optional<stable::CommitChecks>> checks(queries->size());
    std::optional<stable::TargetChecker> checker;
    if (!run.targets.empty()) {
        auto ignored = stable::ignore_list(store);
        if (!ignored) return std::unexpected(ignored.error());
        checker.emplace(*repo, store, *history, run.targets,
                        stable::CheckOptions{config.review.opt_out_paths, std::move(*ignored)});
        std::vector<size_t> indexes(queries->begin(), queries->end());
        checker->prepare(indexes, std::vector<bool>(indexes.size(), options.all_checks));
        if (hooks.start) hooks.start("checking target branches", std::ssize(*queries));
        for (size_t q = 0; q < queries->size(); ++q) {
            auto c = checker->check((*queries)[q], options.all_checks);
            if (!c) return std::unexpected(c.error());
            checks[q] = std::move(*c);
            if (hooks.advance) hooks.advance();
        }
        if (hooks.finish) hooks.finish();
    }

    // LLM voters: each reads a grounded prompt.
    std::vector<Prompt> prompts;
    bool asking = false;
    if (!options.providers.empty() || options.prompts_only) {
        auto inputs =
            llm::gather_prompt_inputs(store, *history, *queries, evidence,
                                      static_cast<size_t>(std::max(0, config.llm.precedents)));
        if (!inputs) return std::unexpected(inputs.error());
        llm::PromptOptions prompt_options;
        prompt_options.security = question.security;
        prompt_options.max_diff_bytes = static_cast<size_t>(config.llm.max_diff_bytes);
        prompt_options.rules = question.security
                                   ? llm::cve_policy(repo, main, question.policy_text)
                                   : llm::stable_rules(repo, main, question.policy_text);
        for (size_t q = 0; q < inputs->size(); ++q) {
            if (checks[q]) (*inputs)[q].tree_facts = tree_facts(*checks[q]);
            prompts.push_back(llm::build_prompt((*inputs)[q], prompt_options));
        }
        if (options.prompts_only) {
            run.prompts = std::move(prompts);
            for (size_t i : *queries) run.prompt_ids.push_back(commits[i].id);
            return run;
        }
        if (!writer && question.recorded)
            say(hooks.warn, "LLM answers are not cached this run: the store can't be written");
        if (hooks.start)
            hooks.start("asking LLMs",
                        static_cast<int64_t>(options.providers.size() * queries->size()));
        asking = true;
        auto added = llm_voters(config, repo, writer ? &*writer : nullptr, *history, *vectors,
                                options.providers, run.usage, options.refresh, hooks.advance);
        if (!added) return std::unexpected(added.error());
        for (auto& v : *added) voters->push_back(std::move(v));
    }
    for (auto& v : *voters) run.voters.push_back(v->name());
    auto votes = cast_votes(*voters, *history, *vectors, *queries, evidence, prompts);
    if (asking && hooks.finish) hooks.finish();
    std::vector<BallotResult> results;
    for (auto& row : votes) results.push_back(ballot.decide(std::move(row)));
    run.voted = results.size();
    std::vector<size_t> order(queries->size());
    std::iota(order.begin(), order.end(), 0);
    std::ranges::stable_sort(
        order, [&](size_t a, size_t b) { return results[a].probability > results[b].probability; });
    if (options.limit && order.size() > options.limit) order.resize(options.limit);

    // The selected commits get the deep checks (blame where the patch conflicts).
    if (checker && !options.all_checks) {
        std::vector<size_t> selected;
        for (size_t q : order)
            if (results[q].selected) selected.push_back(q);
        std::vector<size_t> indexes;
        for (size_t q : selected) indexes.push_back((*queries)[q]);
        checker->prepare(indexes, std::vector<bool>(indexes.size(), true));
        for (size_t q : selected) {
            auto c = checker->check((*queries)[q], true);
            if (!c) return std::unexpected(c.error());
            checks[q] = std::move(*c);
        }
    }

    std::optional<stable::Maintainers> maintainers;
    if (options.with_mail && repo)
        maintainers = stable::Maintainers::parse(
            config.review.cc_maintainers ? git::file_at(*repo, main, "MAINTAINERS") : "");
    auto fixers =
        question.label == Label::kCve ? cve::fixers_of(*history) : std::multimap<int, size_t>{};
    int64_t now_time = static_cast<int64_t>(std::time(nullptr));
    for (size_t q : order) {
        size_t i = (*queries)[q];
        const CommitFacts& f = commits[i];
        CommitReview r;
        r.history_index = i;
        r.id = f.id;
        r.subject = f.subject;
        r.time = f.time;
        r.ballot = std::move(results[q]);
        if (auto g = given.find(f.id); g != given.end()) r.given = g->second;
        for (auto& p : evidence[q].precedents) {
            if (r.precedents.size() >= options.precedents) break;
            ReviewedPrecedent rp{
                commits[p.index].id, commits[p.index].subject, p.similarity, p.positive, {}};
            if (question.label == Label::kCve) {
                auto theirs = store::cves_fixed_by(store, rp.id);
                if (!theirs) return std::unexpected(theirs.error());
                rp.cves = std::move(*theirs);
            }
            r.precedents.push_back(std::move(rp));
        }
        if (question.label == Label::kCve) {
            auto covered = cve::coverage(store, *history, i, r.given, fixers);
            if (!covered) return std::unexpected(covered.error());
            auto related = cve::related_cves(store, *history, i);
            if (!related) return std::unexpected(related.error());
            std::set<std::string> related_set(related->begin(), related->end());
            for (auto& cv : *covered) related_set.insert(cv.cves.begin(), cv.cves.end());
            r.covered = std::move(*covered);
            r.related_cves.assign(related_set.begin(), related_set.end());
        }
        r.positive = r.ballot.selected && r.covered.empty();
        if (checks[q]) {
            auto& c = *checks[q];
            std::vector<std::string> applicable;
            for (size_t t = 0; t < c.trees.size(); ++t)
                if (c.trees[t].applicable()) applicable.push_back(run.targets[t].version);
            if (!applicable.empty())
                r.autosel_range = applicable.size() == 1
                                      ? applicable.front()
                                      : applicable.front() + "-" + applicable.back();
            r.mail =
                r.ballot.selected && c.opt_out.empty() && c.reverts.empty() && !applicable.empty();
            if (r.ballot.selected && !r.mail) {
                std::vector<std::string> trees;
                for (auto& tc : c.trees) trees.push_back(stable::tree_line(tc));
                r.not_mailed =
                    !c.opt_out.empty() ? "opted out of automatic selection: " + c.opt_out
                    : !c.reverts.empty()
                        ? "reverted upstream by " + stable::short_refs(c.reverts)
                        : fmt::format("no target tree takes it ({})", fmt::join(trees, "; "));
            }
            r.checks = std::move(c);
        }
        if (r.mail && maintainers) {
            auto m = mail_facts_of(store, *repo, *history, f, *maintainers);
            if (!m) return std::unexpected(m.error());
            r.mail_facts = std::move(*m);
        }
        if (auto said = store::replies_on(store, f.id); said)
            r.replies = std::move(*said);
        else
            return std::unexpected(said.error());
        if (writer && question.recorded) {
            auto decided = stable::decisions_for(*writer, f.id);
            if (!decided) return std::unexpected(decided.error());
            r.decisions = std::move(*decided);
            if (auto rec = stable::record_review(*writer, f.id, now_time, r.ballot.probability,
                                                 r.ballot.selected, to_json(r, run));
                !rec)
                say(hooks.warn,
                    fmt::format("this review is not recorded: {}", rec.error().message));
        }
        run.reviews.push_back(std::move(r));
    }
    return run;
}

Status write_prompts(const std::filesystem::path& dir, const ReviewRun& run) {
    if (auto st = util::make_directory(dir); !st) return st;
    for (size_t q = 0; q < run.prompts.size(); ++q) {
        auto text = fmt::format("# System\n\n{}\n\n# User\n\n{}", run.prompts[q].system,
                                run.prompts[q].user);
        if (auto st = util::write_file_atomically(dir / (run.prompt_ids[q] + ".prompt.md"), text);
            !st)
            return st;
    }
    return {};
}

}  // namespace stablepick::review
