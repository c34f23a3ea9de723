#include "stablepick/report/review_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "stablepick/queue/list_replies.hpp"
#include "stablepick/report/mbox.hpp"
#include "stablepick/stable/check_text.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::report {
namespace {

void add_text_lines(std::vector<std::string>& lines, const std::string& prefix,
                    const std::string& text) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(prefix + line);
}

}  // namespace

std::string tally_line(const BallotResult& b, const review::ReviewRun& run) {
    std::string failed = b.failed ? fmt::format(", {} failed", b.failed) : "";
    if (run.policy == BallotPolicy::kMajority)
        return fmt::format("majority ballot: votes {}/{} yes{} (yes from {}), probability {:.0f} %",
                           b.yes, b.answered, failed, b.answered / 2 + 1, 100 * b.probability);
    // The weighted ballot decides on the probability alone; the voters' own verdicts are shown
    // beside it, named as such, since they may disagree with it.
    std::vector<std::string> verdicts;
    for (auto& v : b.votes)
        if (v.error.empty() && v.verdict != Verdict::kAbstain)
            verdicts.push_back(
                fmt::format("{} {}", v.voter, v.verdict == Verdict::kYes ? "yes" : "no"));
    return fmt::format(
        "weighted ballot: probability {:.0f} % (yes from {:.0f} %); voters' own verdicts {}/{} "
        "yes{} ({})",
        100 * b.probability, 100 * run.threshold, b.yes, b.answered, failed,
        fmt::join(verdicts, ", "));
}

std::vector<std::string> review_lines(const review::CommitReview& r, const review::ReviewRun& run,
                                      bool verbose, bool for_mail) {
    std::vector<std::string> lines;
    const BallotResult& b = r.ballot;
    lines.push_back(tally_line(b, run));
    for (auto& reason : b.reasons) lines.push_back("- " + reason);
    for (size_t v = run.offline_voters; v < b.votes.size(); ++v) {  // the LLM voters
        const Vote& vote = b.votes[v];
        if (!vote.error.empty()) {
            lines.push_back(fmt::format("{}: failed: {}", vote.voter, vote.error));
            continue;
        }
        bool abstained = vote.verdict == Verdict::kAbstain;
        lines.push_back(fmt::format(
            "{}: {}{}{}", vote.voter,
            abstained ? std::string("abstained")
                      : fmt::format("{} ({:.2f})", vote.verdict == Verdict::kYes ? "YES" : "NO",
                                    vote.probability),
            vote.cached && !for_mail ? ", cached" : "", abstained ? ": " + vote.reason : ""));
        add_text_lines(lines, "    ", vote.explanation);
        if (!vote.evidence.empty())
            lines.push_back(fmt::format("    cites {}", fmt::join(vote.evidence, ", ")));
        for (auto& call : vote.tool_calls) {
            lines.push_back(fmt::format("    tool {} {}", call.tool, call.arguments));
            if (verbose) add_text_lines(lines, "      | ", call.output);
        }
    }
    for (auto& p : r.precedents)
        lines.push_back(fmt::format("precedent {} ({:.2f}, {}): {}", p.id.substr(0, 12),
                                    p.similarity, p.positive ? "backported" : "not backported",
                                    short_subject(p.subject)));
    if (r.checks) {
        const auto& c = *r.checks;
        for (auto& t : c.trees) lines.push_back(stable::tree_line(t));
        if (!c.follow_ups.empty())
            lines.push_back("fixed again upstream (take together): " +
                            stable::short_refs(c.follow_ups));
        if (!c.reverts.empty())
            lines.push_back("reverted upstream (do not take): " + stable::short_refs(c.reverts));
        if (!c.series.empty()) lines.push_back("same series: " + stable::short_refs(c.series));
        if (!c.opt_out.empty()) lines.push_back("opted out of automatic selection: " + c.opt_out);
    }
    // The list's words stay out of a mail to the list: they are for the reviewer.
    if (!for_mail)
        for (auto& reply : r.replies)
            lines.push_back(fmt::format(
                "{} on the list by {} on {} ({}){}", reply.kind, reply.author,
                util::format_date(reply.time), fmt::join(reply.trees, ", "),
                reply.kind == "other" ? "" : ": " + queue::objection_reason(reply.text)));
    if (r.decisions)
        for (auto& d : *r.decisions)
            lines.push_back(fmt::format(
                "earlier decision: {} for {} by {} on {}{}{}", d.decision, d.branch, d.reviewer,
                util::format_date(d.time), d.reason.empty() ? "" : ": " + d.reason,
                d.confirmed_by.empty()
                    ? ""
                    : fmt::format(" (confirmed by stable commit {})", d.confirmed_by)));
    return lines;
}

std::string top_of(size_t kept, size_t ranked) {
    return kept >= ranked ? std::string()
                          : fmt::format("; the top {} of {} by the offline voters", kept, ranked);
}

std::string review_table(const review::ReviewRun& run, bool verbose) {
    size_t selected = 0;
    for (auto& r : run.reviews) selected += r.ballot.selected;
    std::string out = fmt::format("{} of {} commits selected by the {} ballot ({}){}\n\n", selected,
                                  run.voted, ballot_policy_name(run.policy),
                                  fmt::join(run.voters, ", "), top_of(run.voted, run.ranked));
    for (auto& r : run.reviews) {
        out += fmt::format("{:5.1f} %  {}  {}  {}{}\n", 100 * r.ballot.probability,
                           r.ballot.selected ? "YES" : "no ", r.id.substr(0, 12), r.subject,
                           r.mail ? fmt::format("  [AUTOSEL {}]", r.autosel_range) : std::string());
        for (auto& line : review_lines(r, run, verbose, false))
            out += fmt::format("           {}\n", line);
    }
    return out;
}

std::string classification_table(const review::ReviewRun& run, bool verbose) {
    size_t positive = 0, covered = 0;
    for (auto& r : run.reviews) {
        positive += r.positive;
        covered += !r.covered.empty();
    }
    std::string out =
        fmt::format("{} of {} commits: {}; {} already covered ({} ballot: {}){}\n\n", positive,
                    run.voted, run.question.positive, covered, ballot_policy_name(run.policy),
                    fmt::join(run.voters, ", "), top_of(run.voted, run.ranked));
    for (auto& r : run.reviews) {
        const BallotResult& b = r.ballot;
        out +=
            fmt::format("{:<14} {:.2f}  {}/{}{}  {}  {}\n",
                        r.positive ? run.question.positive : run.question.negative, b.probability,
                        b.yes, b.answered, b.failed ? fmt::format(" ({} failed)", b.failed) : "",
                        r.id.substr(0, 12), r.subject);
        if (!r.given.empty())
            out += fmt::format("    given as {}, the backport of this commit\n",
                               r.given.substr(0, 12));
        for (auto& c : r.covered) out += fmt::format("    already covered: {}\n", c.detail);
        if (!r.related_cves.empty())
            out += fmt::format("    related: {}\n", fmt::join(r.related_cves, ", "));
        for (size_t v = 0; v < b.votes.size(); ++v) {
            const Vote& vote = b.votes[v];
            if (!vote.error.empty())
                out += fmt::format("    {} failed: {}\n", vote.voter, vote.error);
            else
                out += fmt::format("    {} {} {:.2f}: {}\n", vote.voter, verdict_name(vote.verdict),
                                   vote.probability, vote.reason);
            if (v >= run.offline_voters && (verbose || r.positive) && !vote.explanation.empty()) {
                const std::string& text = vote.explanation;
                for (size_t pos = 0; pos < text.size();) {
                    size_t end = std::min(text.find('\n', pos), text.size());
                    out += fmt::format("      {}\n", text.substr(pos, end - pos));
                    pos = end + 1;
                }
            }
        }
        for (auto& p : r.precedents)
            out += fmt::format("    like {} {:.2f} [CVE Status: {}]{} {}\n", p.id.substr(0, 12),
                               p.similarity, p.positive ? "YES" : "NO",
                               p.cves.empty() ? "" : fmt::format(" {}", fmt::join(p.cves, ", ")),
                               p.subject);
        out += "\n";
    }
    return out;
}

nlohmann::json usage_json(const llm::UsageLedger& ledger) {
    auto usage = ledger.usage();
    if (usage.empty()) return nullptr;
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
    return nlohmann::json{{"llm_usage", u}};
}

std::string usage_text(const llm::UsageLedger& ledger) {
    auto usage = ledger.usage();
    if (usage.empty()) return {};
    std::string out = "\nLLM usage:\n";
    for (auto& [name, x] : usage)
        out += fmt::format(
            "  {}: {} request(s), {} answer(s) from the cache, {} answered, {} abstained, {} "
            "failed; {} input and {} output tokens; ${:.4f}\n",
            name, x.requests, x.cached, x.answered, x.abstained, x.failed, x.input_tokens,
            x.output_tokens, x.cost);
    if (ledger.max_cost() > 0)
        out += fmt::format("  total ${:.4f} of the ${:.2f} budget\n", ledger.spent(),
                           ledger.max_cost());
    return out;
}

}  // namespace stablepick::report
