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
#include <unordered_set>

#include "stablepick/cli/command.hpp"
#include "stablepick/index/vector_index.hpp"
#include "stablepick/sources/mail.hpp"
#include "stablepick/store/resolve.hpp"
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
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "similar";
    c.summary = "list the earlier commits most similar to a commit or a patch, with their backport decisions";
    c.needs = kWantsRepo | kNeedsStoreRead;
    c.setup = [opts](CLI::App& app) {
        app.add_option("commit", opts->commit, "a stored commit (id or prefix), or '-' for a patch on stdin");
        app.add_option("--patch", opts->patch, "a patch file (format-patch or a mail) instead of a commit");
        app.add_option("-k", opts->k, "how many neighbours")->capture_default_str()->check(CLI::Range(1, 1000));
        app.add_option("--label", opts->label, "keep only neighbours that are: any, backported, not-backported")
            ->capture_default_str()
            ->check(CLI::IsMember({"any", "backported", "not-backported", "cve"}));
        app.add_option("--branch", opts->branch, "keep only neighbours backported to this stable branch");
        app.add_flag("--json", opts->json, "print JSON");
    };
    c.run = [opts](Context& ctx) -> int {
        Store& store = *ctx.store;
        if (opts->label == "cve")
            return report(Error{ErrorCode::kNotFound, "no CVE labels in this store: CVE lists cannot be imported yet"});
        auto model = load_current_model(store);
        if (!model) return report(model.error());

        // The query: a stored commit, or a patch (file or stdin) that need not be stored.
        std::vector<float> query;
        int64_t query_time = INT64_MAX;
        std::string query_sha, query_subject;
        if (!opts->patch.empty() || opts->commit == "-") {
            std::string text;
            if (opts->commit == "-") {
                text.assign(std::istreambuf_iterator<char>(std::cin), {});
            } else {
                std::ifstream in(opts->patch, std::ios::binary);
                if (!in) return report(Error{ErrorCode::kNotFound, fmt::format("cannot read patch '{}'", opts->patch)});
                text.assign(std::istreambuf_iterator<char>(in), {});
            }
            Commit patch = commit_from_patch(text, ctx.config.trailers);
            if (patch.subject.empty() && patch.files.empty())
                return report(Error{ErrorCode::kInvalidInput, "the patch has neither a subject nor a diff"});
            query = model->embed(commit_terms(commit_text_of(patch)));
            query_sha = patch.id;
            query_subject = patch.subject;
            if (patch.commit_time > 0) query_time = patch.commit_time;
        } else {
            if (opts->commit.empty()) return report(Error{ErrorCode::kInvalidInput, "give a commit, --patch FILE, or '-'"});
            auto q = parse_resolve_input(opts->commit, "", false);
            if (!q) return report(q.error());
            auto found = resolve_in_store(store, *q);
            if (!found) return report(found.error());
            if (found->candidates.empty())
                return report(Error{ErrorCode::kNotFound, fmt::format("commit '{}' is not in the store: run 'stablepick index', or give --patch", opts->commit)});
            if (found->candidates.size() > 1)
                return report(Error{ErrorCode::kAmbiguous, fmt::format("'{}' is ambiguous: {} commits", opts->commit, found->candidates.size())});
            query_sha = found->candidates[0].id;
            query_subject = found->candidates[0].subject;
            query_time = found->candidates[0].time;
            auto row = store.commit_row(query_sha);
            if (!row || !*row) return report(Error{ErrorCode::kNotFound, "commit vanished from the store"});
            auto text = load_commit_text(store, **row);
            if (!text) return report(text.error());
            query = model->embed(commit_terms(*text));
        }

        // Candidates: earlier main-branch commits with a vector of this model.
        std::unordered_map<std::string, std::vector<std::string>> decided;
        auto bq = store.db().prepare("SELECT main_sha, branch FROM backports ORDER BY branch");
        if (!bq) return report(Store::error(bq.error(), "read labels"));
        while (*bq->step()) decided[bq->text(0)].push_back(bq->text(1));
        auto vq = store.db().prepare(R"(SELECT e.commit_id, e.vector, c.sha, c.subject, c.commit_time FROM embeddings e
            JOIN commits c ON c.id = e.commit_id WHERE e.model = ? AND c.commit_time < ? AND c.sha != ?
            AND EXISTS(SELECT 1 FROM branch_commits bc JOIN branches b ON b.id = bc.branch_id
                       WHERE bc.commit_id = c.id AND b.kind = 'main'))");
        if (!vq) return report(Store::error(vq.error(), "read embeddings"));
        vq->bind(1, model->id()).bind(2, query_time).bind(3, query_sha);
        ExactIndex index(model->dimension());
        std::unordered_map<int64_t, Stored> stored;
        while (true) {
            auto r = vq->step();
            if (!r) return report(Store::error(r.error(), "read embeddings"));
            if (!*r) break;
            std::string sha = vq->text(2);
            auto it = decided.find(sha);
            bool backported = it != decided.end();
            if (opts->label == "backported" && !backported) continue;
            if (opts->label == "not-backported" && backported) continue;
            if (!opts->branch.empty() && (!backported || std::ranges::find(it->second, opts->branch) == it->second.end()))
                continue;
            auto blob = vq->blob(1);
            if (blob.size() != model->dimension() * sizeof(float))
                return report(Error{ErrorCode::kCorrupt,
                                    fmt::format("a stored vector of model '{}' has {} bytes, not {}: run 'stablepick embed --refit'",
                                                model->id(), blob.size(), model->dimension() * sizeof(float))});
            int64_t row = vq->int64(0);
            index.add(row, blob_to_vector(blob));
            stored[row] = {sha, vq->text(3), vq->int64(4), backported ? it->second : std::vector<std::string>{}};
        }
        if (index.size() == 0 && !opts->json) {
            fmt::print(stderr, "no earlier commits to compare with (model {}, {} candidates)\n", model->id(), index.size());
        }
        auto best = index.search(query, opts->k);
        if (opts->json) {
            nlohmann::json j{{"query", {{"id", query_sha}, {"subject", query_subject}}}, {"model", model->id()}};
            j["neighbours"] = nlohmann::json::array();
            for (auto& n : best) {
                auto& s = stored[n.key];
                j["neighbours"].push_back({{"similarity", n.similarity}, {"id", s.sha}, {"date", util::format_date(s.time)},
                                           {"subject", s.subject}, {"backported_to", s.branches}});
            }
            fmt::print("{}\n", j.dump(2));
            return exit_code::kOk;
        }
        fmt::print("{:>5}  {:<12}  {:<10}  {:<28}  {}\n", "sim", "commit", "date", "decision", "subject");
        for (auto& n : best) {
            auto& s = stored[n.key];
            std::string decision = s.branches.empty() ? "not backported" : fmt::format("{}", fmt::join(s.branches, ","));
            if (decision.size() > 28) decision = fmt::format("{} branches: {}..", s.branches.size(), s.branches.front());
            fmt::print("{:>5.3f}  {:<12}  {:<10}  {:<28}  {}\n", n.similarity, s.sha.substr(0, 12),
                       util::format_date(s.time), decision, s.subject);
        }
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
