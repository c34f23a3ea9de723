#include "stablepick/cli/branch_choice_text.hpp"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

namespace stablepick::cli {
namespace {

const char* why_name(git::BranchWhy why) {
    switch (why) {
        case git::BranchWhy::kNamed:
            return "named";
        case git::BranchWhy::kBackports:
            return "backports";
        case git::BranchWhy::kFamily:
            return "family";
        case git::BranchWhy::kAsked:
            return "asked";
        case git::BranchWhy::kNoSharedHistory:
            return "no-shared-history";
        case git::BranchWhy::kNoOwnCommits:
            return "no-own-commits";
        case git::BranchWhy::kFewBackports:
            return "few-backports";
        case git::BranchWhy::kOtherFamily:
            return "other-family";
        case git::BranchWhy::kNotAsked:
            return "not-asked";
    }
    return "";
}

// The left-out branches of one reason, counted: "12 are development work, …".
std::string left_out_as(git::BranchWhy why, size_t n) {
    bool one = n == 1;
    switch (why) {
        case git::BranchWhy::kNoSharedHistory:
            return one ? "shares no history with the main branch"
                       : "share no history with the main branch";
        case git::BranchWhy::kNoOwnCommits:
            return one ? "has no commits of its own" : "have no commits of their own";
        case git::BranchWhy::kFewBackports:
            return one ? "is development work, with few or no backports"
                       : "are development work, with few or no backports";
        case git::BranchWhy::kOtherFamily:
            return one ? "carries backports but is named unlike the stable branches"
                       : "carry backports but are named unlike the stable branches";
        case git::BranchWhy::kNotAsked:
            return one ? "is not named" : "are not named";
        default:
            return "";
    }
}

constexpr size_t kEachUpTo = 10;  // left-out branches listed one by one up to this many

}  // namespace

void print_branch_choice(const git::BranchSet& set, bool every) {
    fmt::print("main branch: {} ({})\n", set.main.name, set.main_reason);
    std::vector<const git::BranchVerdict*> taken, left;
    size_t width = 0;
    for (auto& v : set.verdicts) {
        (v.stable ? taken : left).push_back(&v);
        width = std::max(width, v.name.size());
    }
    if (every) {
        fmt::print("stable branches ({}, {}):\n", taken.size(), set.how);
        for (auto* v : taken) fmt::print("  {:<{}}  {}\n", v->name, width, v->reason);
        fmt::print("left out ({}):\n", left.size());
        for (auto* v : left) fmt::print("  {:<{}}  {}\n", v->name, width, v->reason);
    } else {
        std::vector<std::string> names;
        for (auto* v : taken) names.push_back(v->name);
        fmt::print("stable branches ({}, {}): {}\n", taken.size(), set.how,
                   taken.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", ")));
        if (left.size() <= kEachUpTo) {
            for (auto* v : left) fmt::print("left out: {} ({})\n", v->name, v->reason);
        } else {
            std::map<git::BranchWhy, std::vector<std::string>> by_why;
            for (auto* v : left) by_why[v->why].push_back(v->name);
            std::vector<std::string> parts;
            for (auto& [why, list] : by_why) {
                std::vector<std::string> shown(list.begin(),
                                               list.begin() + std::min<size_t>(3, list.size()));
                parts.push_back(fmt::format("{} {} ({}{})", list.size(),
                                            left_out_as(why, list.size()), fmt::join(shown, ", "),
                                            list.size() > 3 ? ", …" : ""));
            }
            fmt::print("left out {} branches: {}; 'stablepick branches' says why for each\n",
                       left.size(), fmt::join(parts, "; "));
        }
    }
    fmt::print("release tags: {}\n", set.release_tags.description());
}

nlohmann::json branch_choice_json(const git::BranchSet& set) {
    nlohmann::json j{{"main", {{"name", set.main.name}, {"reason", set.main_reason}}},
                     {"how", set.how},
                     {"release_tags",
                      {{"description", set.release_tags.description()},
                       {"prefixes", set.release_tags.prefixes()},
                       {"pattern", set.release_tags.pattern()}}},
                     {"warnings", set.warnings}};
    j["stable"] = nlohmann::json::array();
    for (auto& b : set.stable) j["stable"].push_back(b.name);
    j["branches"] = nlohmann::json::array();
    for (auto& v : set.verdicts) {
        nlohmann::json b{
            {"name", v.name}, {"stable", v.stable}, {"why", why_name(v.why)}, {"reason", v.reason}};
        if (v.own_commits >= 0) {
            b["own_commits"] = v.own_commits;
            b["sampled"] = v.sampled;
            b["backports"] = v.backports;
            b["version_tags"] = v.version_tags;
        }
        j["branches"].push_back(std::move(b));
    }
    return j;
}

}  // namespace stablepick::cli
