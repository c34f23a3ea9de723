// stablepick similar: the earlier commits most like a commit or a patch, with what was
// decided for them — the precedents a reviewer (or a voter) weighs.
#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "stablepick/cli/command.hpp"
#include "stablepick/history/resolve.hpp"
#include "stablepick/index/similar_commits.hpp"
#include "stablepick/ingest/mail.hpp"
#include "stablepick/store/commit_reads.hpp"
#include "stablepick/store/commit_subjects.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::cli {
namespace {

struct Stored {
    std::string sha, subject;
    int64_t time = 0;
    std::vector<std::string> branches;  // stable branches it was backported to
};

}  // namespace

Command make_similar_command() {
    struct Options {
        std::string commit;
        std::string patch;
        size_t k = 10;
        std::string label = "any";
        std::string branch;
        bool json = false;
        bool rerank = true;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "similar";
    c.summary =
        "list the earlier commits most similar to a commit or a patch, with their backport "
        "decisions";
    c.needs = kWantsRepo | kNeedsStoreRead;
    c.setup = [opts](CLI::App& app) {
        app.add_option("commit", opts->commit,
                       "a stored commit (id or prefix), or '-' for a patch on stdin");
        app.add_option("--patch", opts->patch,
                       "a patch file (format-patch or a mail) instead of a commit");
        app.add_option("-k", opts->k, "how many neighbours")
            ->capture_default_str()
            ->check(CLI::Range(1, 1000));
        app.add_option("--label", opts->label,
                       "keep only neighbours that are: any, backported, not-backported")
            ->capture_default_str()
            ->check(CLI::IsMember({"any", "backported", "not-backported", "cve"}));
        app.add_option("--branch", opts->branch,
                       "keep only neighbours backported to this stable branch");
        app.add_flag("--json", opts->json, "print JSON");
        app.add_flag(
            "!--no-rerank", opts->rerank,
            "rank by the embedding alone (default with the builtin embedder: add earlier commits "
            "to the same files, and re-rank the candidates by exact TF-IDF; a server's "
            "embedding always ranks alone)");
    };
    c.run = [opts](Context& ctx) -> int {
        Store& store = *ctx.store;
        if (opts->label == "cve")
            return report(Error{ErrorCode::kNotFound,
                                "no CVE labels in this store: CVE lists cannot be imported yet"});
        auto embedder = open_current_embedder(store, ctx.config.embed);
        if (!embedder) return report(embedder.error());
        const std::string model = (*embedder)->id();
        auto whole = check_vectors(store, model);
        if (!whole) return report(whole.error());
        if (!whole->empty()) fmt::print(stderr, "warning: {}\n", *whole);

        // The query: a stored commit, or a patch (file or stdin) that need not be stored.
        CommitText query_text;
        int64_t query_row = 0;
        int64_t query_time = INT64_MAX;
        std::string query_sha, query_subject;
        if (!opts->patch.empty() || opts->commit == "-") {
            std::string text;
            if (opts->commit == "-") {
                text.assign(std::istreambuf_iterator<char>(std::cin), {});
            } else {
                std::ifstream in(opts->patch, std::ios::binary);
                if (!in)
                    return report(Error{ErrorCode::kNotFound,
                                        fmt::format("cannot read patch '{}'", opts->patch)});
                text.assign(std::istreambuf_iterator<char>(in), {});
            }
            Commit patch = commit_from_patch(text, ctx.config.trailers);
            if (patch.subject.empty() && patch.files.empty())
                return report(
                    Error{ErrorCode::kInvalidInput, "the patch has neither a subject nor a diff"});
            query_text = commit_text_of(patch);
            query_sha = patch.id;
            query_subject = patch.subject;
            if (patch.commit_time > 0) query_time = patch.commit_time;
        } else {
            if (opts->commit.empty())
                return report(
                    Error{ErrorCode::kInvalidInput, "give a commit, --patch FILE, or '-'"});
            auto q = parse_resolve_input(opts->commit, "", false);
            if (!q) return report(q.error());
            auto found = resolve_in_store(store, *q);
            if (!found) return report(found.error());
            if (found->candidates.empty())
                return report(Error{
                    ErrorCode::kNotFound,
                    fmt::format(
                        "commit '{}' is not in the store: run 'stablepick index', or give --patch",
                        opts->commit)});
            if (found->candidates.size() > 1)
                return report(Error{ErrorCode::kAmbiguous,
                                    fmt::format("'{}' is ambiguous: {} commits", opts->commit,
                                                found->candidates.size())});
            query_sha = found->candidates[0].id;
            query_subject = found->candidates[0].subject;
            query_time = found->candidates[0].time;
            auto row = store.commit_row(query_sha);
            if (!row || !*row)
                return report(Error{ErrorCode::kNotFound, "commit vanished from the store"});
            auto text = load_commit_text(store, **row);
            if (!text) return report(text.error());
            query_text = std::move(*text);
            query_row = **row;
        }

        SimilarQuery query{query_sha, query_time, std::move(query_text), query_row};
        auto similar = similar_commits(store, **embedder, query,
                                       {opts->k, opts->label, opts->branch, opts->rerank});
        if (!similar) return report(similar.error());
        if (similar->compared == 0 && !opts->json)
            fmt::print(stderr, "no earlier commits to compare with under model {}\n", model);
        const auto& best = similar->best;
        std::unordered_map<int64_t, Stored> stored;
        for (auto& n : best) {
            auto commit = commit_subject_of(store, n.key);
            if (!commit) return report(commit.error());
            if (!*commit) continue;
            auto branches = store::backport_branches_of(store, (*commit)->id);
            if (!branches) return report(branches.error());
            stored[n.key] = {(*commit)->id, (*commit)->subject, (*commit)->time,
                             std::move(*branches)};
        }
        if (opts->json) {
            nlohmann::json j{{"query", {{"id", query_sha}, {"subject", query_subject}}},
                             {"model", model}};
            j["neighbours"] = nlohmann::json::array();
            for (auto& n : best) {
                auto& s = stored[n.key];
                j["neighbours"].push_back({{"similarity", n.similarity},
                                           {"id", s.sha},
                                           {"date", util::format_date(s.time)},
                                           {"subject", s.subject},
                                           {"backported_to", s.branches}});
            }
            fmt::print("{}\n", j.dump(2));
            return exit_code::kOk;
        }
        fmt::print("{:>5}  {:<12}  {:<10}  {:<28}  {}\n", "sim", "commit", "date", "decision",
                   "subject");
        for (auto& n : best) {
            auto& s = stored[n.key];
            std::string decision = s.branches.empty()
                                       ? "not backported"
                                       : fmt::format("{}", fmt::join(s.branches, ","));
            if (decision.size() > 28)
                decision = fmt::format("{} branches: {}..", s.branches.size(), s.branches.front());
            fmt::print("{:>5.3f}  {:<12}  {:<10}  {:<28}  {}\n", n.similarity, s.sha.substr(0, 12),
                       util::format_date(s.time), decision, s.subject);
        }
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
