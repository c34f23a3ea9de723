// stablepick review: ranks commits by how likely they belong in the stable trees, with the
// ballot's top reasons and the nearest precedents, so a maintainer reads the likely ones first.
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>

#include "stablepick/cli/command.hpp"
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

}  // namespace

Command make_review_command() {
    struct Options {
        std::vector<std::string> specs;
        std::string model_file;
        std::string policy;
        size_t precedents = 3;
        size_t limit = 0;
        bool json = false;
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
        auto votes = cast_votes(*voters, *corpus, *vectors, *queries, evidence);
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
        if (!opts->json)
            fmt::print("{} of {} commits selected by the {} ballot ({})\n\n", selected,
                       results.size(), ballot_policy_name(policy),
                       fmt::join(ballot.voters(), ", "));
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
                                          {"error", v.error}});
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
            for (auto& reason : r.reasons) fmt::print("           - {}\n", reason);
            for (auto* p : shown)
                fmt::print("           precedent {} ({:.2f}, {}): {}\n",
                           commits[p->index].id.substr(0, 12), p->similarity,
                           p->backported ? "backported" : "not backported",
                           commits[p->index].subject);
        }
        if (opts->json) fmt::print("{}\n", out.dump(2));
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
