// The one JSON form of a review: `review --json`, `cve classify --json`, the record in the store
// and (later) the server's API all carry these keys.
#include <nlohmann/json.hpp>

#include "stablepick/review/review.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::review {
namespace {

nlohmann::json refs_json(const std::vector<stable::CommitRef>& list) {
    nlohmann::json a = nlohmann::json::array();
    for (auto& x : list) a.push_back({{"id", x.id}, {"subject", x.subject}});
    return a;
}

nlohmann::json tree_json(const stable::TreeCheck& tc) {
    return {{"branch", tc.branch},
            {"already_there", tc.already_there},
            {"affected", tc.affected},
            {"affected_reason", tc.affected_reason},
            {"missing_files", tc.missing_files},
            {"missing_functions", tc.missing_functions},
            {"applies", tc.applies},
            {"conflicts", tc.conflicts},
            {"prerequisites", refs_json(tc.prerequisites)},
            {"applicable", tc.applicable()}};
}

nlohmann::json votes_json(const std::vector<Vote>& votes) {
    nlohmann::json out = nlohmann::json::array();
    for (auto& v : votes) {
        nlohmann::json calls = nlohmann::json::array();
        for (auto& c : v.tool_calls)
            calls.push_back({{"tool", c.tool}, {"arguments", c.arguments}, {"output", c.output}});
        out.push_back({{"voter", v.voter},
                       {"verdict", verdict_name(v.verdict)},
                       {"probability", v.probability},
                       {"reason", v.reason},
                       {"evidence", v.evidence},
                       {"error", v.error},
                       {"explanation", v.explanation},
                       {"cached", v.cached},
                       {"tool_calls", std::move(calls)}});
    }
    return out;
}

}  // namespace

nlohmann::json to_json(const CommitReview& r, const ReviewRun& run) {
    const BallotResult& b = r.ballot;
    bool cve = run.question.label == Label::kCve;
    nlohmann::json j{{"id", r.id},
                     {"subject", r.subject},
                     {"date", util::format_date(r.time)},
                     {"probability", b.probability},
                     {"policy", ballot_policy_name(run.policy)},
                     {"tally", {{"yes", b.yes}, {"answered", b.answered}, {"failed", b.failed}}},
                     {"reasons", b.reasons},
                     {"votes", votes_json(b.votes)}};
    j["precedents"] = nlohmann::json::array();
    for (auto& p : r.precedents) {
        nlohmann::json pj{{"id", p.id}, {"subject", p.subject}, {"similarity", p.similarity}};
        if (cve) {
            pj["cve"] = p.positive;
            pj["cves"] = p.cves;
        } else {
            pj["backported"] = p.positive;
        }
        j["precedents"].push_back(std::move(pj));
    }
    if (cve) {
        j["decision"] = r.positive ? run.question.positive : run.question.negative;
        j["selected_by_ballot"] = b.selected;
        j["related_cves"] = r.related_cves;
        if (!r.given.empty()) {
            j["given"] = r.given;
            j["backport_of"] = r.id;
        }
        j["covered"] = nlohmann::json::array();
        for (auto& cv : r.covered)
            j["covered"].push_back({{"kind", cv.kind}, {"detail", cv.detail}, {"cves", cv.cves}});
    } else {
        j["selected"] = b.selected;
    }
    if (r.checks) {
        auto& c = *r.checks;
        j["follow_ups"] = refs_json(c.follow_ups);
        j["reverts"] = refs_json(c.reverts);
        j["series"] = refs_json(c.series);
        j["opt_out"] = c.opt_out;
        j["targets"] = nlohmann::json::array();
        for (auto& tc : c.trees) j["targets"].push_back(tree_json(tc));
        j["autosel_range"] = r.autosel_range;
        j["mail"] = r.mail;
        if (!r.not_mailed.empty()) j["not_mailed"] = r.not_mailed;
    }
    if (!r.replies.empty()) {
        j["replies"] = nlohmann::json::array();
        for (auto& reply : r.replies)
            j["replies"].push_back({{"message_id", reply.message_id},
                                    {"answers", reply.answers},
                                    {"kind", reply.kind},
                                    {"trees", reply.trees},
                                    {"author", reply.author},
                                    {"date", util::format_date(reply.time)},
                                    {"text", reply.text},
                                    {"asks_for", reply.asks_for}});
    }
    if (r.decisions) {
        j["decisions"] = nlohmann::json::array();
        for (auto& d : *r.decisions)
            j["decisions"].push_back({{"branch", d.branch},
                                      {"decision", d.decision},
                                      {"reason", d.reason},
                                      {"reviewer", d.reviewer},
                                      {"date", util::format_date(d.time)},
                                      {"confirmed_by", d.confirmed_by}});
    }
    return j;
}

}  // namespace stablepick::review
