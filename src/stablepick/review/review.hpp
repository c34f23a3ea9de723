#pragma once
// The review stage: commits and a question (does it belong in stable? does it fix a
// vulnerability that should get a CVE?) in, one typed CommitReview per commit out. Each step
// of the pipeline is here once — vectors for commits not embedded yet, evidence, the offline
// voters, the top N, the per-tree checks, the prompts, the LLM voters, the ballot, the
// ranking, the record of the review — so `review`, `cve classify` and the server only choose
// options and render the result.
//
// Thread safety: a call reads and writes only what it is given. Several calls may run at once
// when each has its own Store and Repository (both belong to one thread); the callbacks in
// ReviewHooks are called from the calling thread, except `advance`, which LLM voters call from
// their worker threads (the callee serialises it).
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/cve/coverage.hpp"
#include "stablepick/git/repository.hpp"
#include "stablepick/llm/llm_voter.hpp"
#include "stablepick/stable/decisions.hpp"
#include "stablepick/stable/target_checks.hpp"
#include "stablepick/store/reply_records.hpp"
#include "stablepick/store/store.hpp"
#include "stablepick/vote/ballot.hpp"

namespace stablepick::review {

// What is asked of each commit, and the words its answers use.
struct Question {
    Label label = Label::kBackport;  // what the voters were trained to predict
    bool security = false;           // the LLM prompt asks the CVE question, under the CVE policy
    std::string policy_text;         // the policy when the repository has no document of its own
    double default_threshold = 0.5;  // the weighted ballot's threshold when none is trained
    std::string positive = "YES";    // the word for a commit the answer selects
    std::string negative = "no";
    // Stable-branch commits given stand for the main commit they backport (CVE: a stable fix
    // is classified as its upstream fix).
    bool stable_as_main = false;
    // Reviews are recorded in the store, with the maintainers' earlier decisions shown.
    bool recorded = true;
};
Question backport_question(const Config& config);
Question cve_question(const Config& config);

struct ReviewOptions {
    std::string model_file;              // voters' model from `train --output`; empty: the store's
    std::optional<BallotPolicy> policy;  // default: the trained one
    size_t precedents = 3;               // precedents kept per commit
    size_t limit = 0;                    // only the N ranked highest (0: all); see keep_offline_top
    size_t last = 0;                     // also review the newest N main-branch commits
    std::vector<ProviderConfig> providers;  // LLM voters
    bool refresh = false;                   // ask the LLMs again instead of reading their cache
    double max_cost = 0;                    // US dollars; 0: no limit
    bool prompts_only = false;              // build the LLM prompts and stop (ReviewRun::prompts)
    std::vector<std::string> targets;       // stable branches to check each commit against
    bool all_checks = false;  // deep checks (blame) for every commit, not only selected
    bool with_mail = false;   // fill CommitReview::mail for the AUTOSEL mails
};

// Called as the review goes, so a command can show progress and a server can stream it.
struct ReviewHooks {
    std::function<void(const std::string&)> warn;
    std::function<void(const std::string&)> note;  // a warning a quiet run leaves out
    // A long step begins (`what`, `total` units), advances by one, ends.
    std::function<void(const std::string& what, int64_t total)> start;
    std::function<void()> advance;
    std::function<void()> finish;
};

struct ReviewedPrecedent {
    std::string id, subject;
    double similarity = 0;
    bool positive = false;          // backported (CVE question: fixes a CVE), as known then
    std::vector<std::string> cves;  // CVE question: the CVEs it fixes
};

// What an AUTOSEL mail of the commit needs beyond its review.
struct MailFacts {
    std::string author;  // "Name <email>"
    int64_t author_time = 0;
    std::string body;  // the message after the subject, trailers included
    std::string stat, patch;
    std::vector<std::string> fixes_authors;  // of the commits its Fixes: tags name
    std::vector<std::string> maintainers;    // MAINTAINERS entries for its paths, when configured
};

struct CommitReview {
    size_t history_index = 0;
    std::string id, subject;
    int64_t time = 0;
    std::string given;  // the stable commit named for it (Question::stable_as_main), else empty
    BallotResult ballot;
    std::vector<ReviewedPrecedent> precedents;  // best first
    // With targets: the per-tree checks, the AUTOSEL version range ("254-253") of the trees it
    // applies to, and whether it is mailed (selected, applies somewhere, not opted out or
    // reverted).
    std::optional<stable::CommitChecks> checks;
    std::string autosel_range;
    bool mail = false;
    std::string not_mailed;  // selected but not mailed: why ("v2-stable: not affected: …")
    std::optional<MailFacts> mail_facts;  // with ReviewOptions::with_mail, for mailed commits
    // Question::recorded, when the store could be written: the maintainers' decisions on it.
    std::optional<std::vector<stable::Decision>> decisions;
    // What the list said about it (import replies: acks, objections, requests), oldest first.
    std::vector<store::ListReply> replies;
    // CVE question: what already covers it, and the CVEs that bear on it.
    std::vector<cve::Covered> covered;
    std::vector<std::string> related_cves;
    // The answer: selected by the ballot and (CVE) not already covered.
    bool positive = false;
};

struct ReviewRun {
    Question question;
    BallotPolicy policy = BallotPolicy::kWeighted;
    double threshold = 0.5;           // the weighted ballot's: probability that selects
    std::vector<std::string> voters;  // every voter's name, the offline ones first
    size_t offline_voters = 0;        // how many of `voters` the ballot was fitted with
    size_t voted = 0;                 // commits the ballot decided
    size_t ranked = 0;                // commits the offline voters ranked before -n cut them
    std::vector<stable::TargetBranch> targets;
    std::vector<CommitReview> reviews;        // best first, at most `limit`
    std::shared_ptr<llm::UsageLedger> usage;  // what the LLM voters spent
    // prompts_only: the prompts, one per commit, in the order of `prompt_ids`.
    std::vector<Prompt> prompts;
    std::vector<std::string> prompt_ids;
};

// Reviews the commits `specs` name (ids, prefixes, ranges such as "v6.1..v6.2"; merges in a
// range are left out, with a warning; an end of a range off the main branch, such as a release
// tag on a stable branch, stands for the commit where its line forks from main, with a note),
// and the newest `options.last` main-branch commits. kNotFound names commits the store does not
// hold; kInvalidInput when the voters' model does not fit the store (saying how to retrain). `repo`
// may be null: then ranges, targets and the LLM's git tools are unavailable.
Result<ReviewRun> review_commits(Store& store, const git::Repository* repo, const Config& config,
                                 const std::vector<std::string>& specs, const Question& question,
                                 const ReviewOptions& options, const ReviewHooks& hooks = {});

// The serialised form of a review: what `--json` prints and what the store records.
nlohmann::json to_json(const CommitReview& review, const ReviewRun& run);

// Writes each prompt to DIR/<id>.prompt.md, each file complete or absent.
Status write_prompts(const std::filesystem::path& dir, const ReviewRun& run);

}  // namespace stablepick::review
