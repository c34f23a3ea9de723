// stablepick train: learns the offline voters (word statistics, boosted trees, calibration and
// the ballot's weights) from all the settled history in the store, and saves them there.
#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "stablepick/cli/command.hpp"
#include "stablepick/embed/builtin_embedder.hpp"
#include "stablepick/util/time.hpp"
#include "stablepick/vote/saved_model.hpp"

namespace stablepick::cli {

Command make_train_command() {
    struct Options {
        std::string voters = "knn,model";
        std::string policy = "weighted";
        double threshold = -1;  // default: 0.5, or 0.1 for the rare CVE label
        std::string output;
        std::string label = "backport";
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "train";
    c.summary = "learn the offline voters and the ballot from the store's history";
    c.needs = kWantsRepo | kNeedsStoreWrite;
    c.setup = [opts](CLI::App& app) {
        app.add_option(
               "--voters", opts->voters,
               "voters in the ballot, comma separated (cc-stable, fixes-tag, keywords, knn, model)")
            ->capture_default_str();
        app.add_option("--policy", opts->policy,
                       "how the ballot combines votes: weighted or majority")
            ->capture_default_str()
            ->check(CLI::IsMember({"weighted", "majority"}));
        app.add_option("--threshold", opts->threshold,
                       "the weighted ballot's probability that selects a commit (default 0.5; with "
                       "--label cve 0.1)")
            ->check(CLI::Range(0.0, 1.0));
        app.add_option("--output", opts->output, "also write the model to this file");
        app.add_option("--label", opts->label,
                       "what to learn: backport (for review) or cve (the CVE classifier, for "
                       "'cve classify'; needs CVEs imported)")
            ->capture_default_str()
            ->check(CLI::IsMember({"backport", "cve"}));
    };
    c.run = [opts](Context& ctx) -> int {
        auto started = std::chrono::steady_clock::now();
        Store& store = *ctx.store;
        auto say = [&](const std::string& line) {
            if (!ctx.global.quiet) fmt::print(stderr, "{}...\n", line);
        };
        auto embedded = ensure_embeddings(store, ctx.config, ctx.global.quiet);
        if (!embedded) return report(embedded.error());
        const Embedder& embedding = *embedded->embedder;
        say("reading the history");
        auto parsed_label = parse_label(opts->label);
        if (!parsed_label)
            return report(
                Error{ErrorCode::kInvalidInput, fmt::format("unknown label '{}'", opts->label)});
        Label label = *parsed_label;
        double threshold = opts->threshold >= 0   ? opts->threshold
                           : label == Label::kCve ? 0.1
                                                  : 0.5;
        auto history = CommitHistory::load(store, {.label = label});
        if (!history) return report(history.error());
        if (label == Label::kCve && history->last_label_time() == 0)
            return report(Error{ErrorCode::kNotFound,
                                "no CVE fix among the store's main-branch commits: import CVEs "
                                "first ('stablepick import vulns|cve-list|advisories')"});
        auto vectors = stored_vectors(store, *history, embedding.id());
        if (!vectors) return report(vectors.error());

        TrainOptions train;
        // Labels as known now; the newest commits, whose backports may still come, are left out.
        int64_t newest = history->commits().empty() ? 0 : history->commits().back().time;
        train.settled_before = newest - backport_delay(*history, kNever);
        std::string voters = opts->voters;
        train.ballot_voters.clear();
        for (size_t pos = 0; pos <= voters.size();) {
            size_t end = std::min(voters.find(',', pos), voters.size());
            if (end > pos) train.ballot_voters.push_back(voters.substr(pos, end - pos));
            pos = end + 1;
        }
        if (train.ballot_voters.empty())
            return report(Error{ErrorCode::kInvalidInput, "--voters names no voter"});
        auto policy = parse_ballot_policy(opts->policy);
        if (!policy)
            return report(Error{ErrorCode::kInvalidInput,
                                fmt::format("unknown ballot policy '{}'", opts->policy)});
        train.ballot.policy = *policy;
        train.ballot.threshold = threshold;
        train.progress = say;
        auto model = OfflineModel::train(*history, *vectors, embedding.id(), train);
        if (!model) return report(model.error());
        if (auto st = store.begin(); !st) return report(st.error());
        if (auto st = save_offline_model(store, *model, label); !st) {
            store.rollback();
            return report(st.error());
        }
        if (auto st = store.commit(); !st) return report(st.error());
        if (!opts->output.empty()) {
            auto id = store_identity(store);
            if (!id) return report(id.error());
            if (auto st = write_offline_model(opts->output, *model, *id); !st)
                return report(st.error());
        }
        const auto& s = model->summary();
        const Ballot& b = model->ballot(model->default_policy());
        std::string weights;
        for (size_t v = 0; v < b.voters().size(); ++v)
            weights += fmt::format("{}{} {:.2f}", v ? ", " : "", b.voters()[v], b.weights()[v]);
        fmt::print(
            "trained on {} commits before {} ({} {}, {} held out to calibrate) in {:.1f}s\n"
            "ballot: {} of {} (weights {})\n",
            s.commits, util::format_date(s.settled_before), s.backported,
            label == Label::kCve ? "CVE fixes" : "backported", s.holdout,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
            opts->policy, fmt::join(b.voters(), ", "), weights);
        // The builtin embedding is the default and goes unsaid; a server's is named.
        if (!builtin_model_of(embedding))
            fmt::print("embedding: {} ({} dimensions, from {})\n", embedding.id(),
                       s.embedding_dimension, embedding.url());
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
