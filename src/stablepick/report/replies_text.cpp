#include "stablepick/report/replies_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <variant>
#include <vector>

#include "stablepick/util/terminal.hpp"

namespace stablepick::report {
namespace {

int64_t count_of(const std::map<std::string, int64_t>& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? 0 : it->second;
}

constexpr const char* kKinds[] = {"ack", "objection", "request", "other"};

// "linux-5.4.y" before "linux-5.10.y": the digits of a name compare as numbers.
std::vector<std::pair<std::string, int64_t>> by_version(const std::map<std::string, int64_t>& m) {
    std::vector<std::pair<std::string, int64_t>> out(m.begin(), m.end());
    auto key = [](const std::string& s) {
        std::vector<std::variant<int64_t, std::string>> parts;
        for (size_t i = 0; i < s.size();) {
            size_t j = i;
            bool digits = std::isdigit(static_cast<unsigned char>(s[i]));
            while (j < s.size() && bool(std::isdigit(static_cast<unsigned char>(s[j]))) == digits)
                ++j;
            if (digits)
                parts.emplace_back(std::stoll(s.substr(i, std::min<size_t>(j - i, 18))));
            else
                parts.emplace_back(s.substr(i, j - i));
            i = j;
        }
        return parts;
    };
    std::ranges::stable_sort(out, [&](auto& a, auto& b) { return key(a.first) < key(b.first); });
    return out;
}

}  // namespace

std::string replies_import_text(const queue::ListRepliesReport& r) {
    const auto& c = r.counts;
    int64_t replies = 0;
    for (auto& [kind, n] : c.replies_by_kind) replies += n;
    std::string out = fmt::format(
        "{} mails read in {} archives or mbox files\n"
        "{} AUTOSEL proposals found ({} already stored), {} with LLM explanations, for {} "
        "trees\n",
        c.mails, c.files, c.proposals, c.proposals_already, c.llm_explained,
        c.proposals_by_tree.size());
    for (auto& [tree, n] : by_version(c.proposals_by_tree))
        out += fmt::format("  {:<16} {}\n", util::terminal_safe(tree), n);
    out += fmt::format("{} replies recorded ({} already stored):", replies, c.replies_already);
    for (const char* k : kKinds) out += fmt::format(" {} {},", k, count_of(c.replies_by_kind, k));
    out.back() = '\n';
    out += fmt::format(
        "{} objections: {} candidates moved to objected, {} (commit, tree) pairs with no "
        "candidate\n",
        count_of(c.replies_by_kind, "objection"), r.objected, r.without_candidate);
    for (auto& k : r.kept) out += fmt::format("  kept: {}\n", util::terminal_safe(k));
    for (auto& [reason, n] : c.skipped) {
        auto it = c.skipped_named.find(reason);
        std::vector<std::string> names;
        if (it != c.skipped_named.end())
            for (auto& id : it->second) names.push_back(util::terminal_safe(id));
        out += fmt::format("skipped, {}: {}{}{}\n", reason, n,
                           names.empty() ? "" : fmt::format(" ({}", fmt::join(names, ", ")),
                           names.empty() ? "" : (n > int64_t(names.size()) ? ", …)" : ")"));
    }
    return out;
}

nlohmann::json replies_import_json(const queue::ListRepliesReport& r) {
    const auto& c = r.counts;
    nlohmann::json skipped = nlohmann::json::object();
    for (auto& [reason, n] : c.skipped) {
        auto it = c.skipped_named.find(reason);
        skipped[reason] = {
            {"count", n},
            {"message_ids",
             it == c.skipped_named.end() ? nlohmann::json::array() : nlohmann::json(it->second)}};
    }
    nlohmann::json kinds = nlohmann::json::object();
    for (const char* k : kKinds) kinds[k] = count_of(c.replies_by_kind, k);
    return {{"files", c.files},
            {"mails", c.mails},
            {"proposals", c.proposals},
            {"proposals_already_stored", c.proposals_already},
            {"llm_explained", c.llm_explained},
            {"proposals_by_tree", c.proposals_by_tree},
            {"replies", kinds},
            {"replies_already_stored", c.replies_already},
            {"objected", r.objected},
            {"objections_without_candidate", r.without_candidate},
            {"kept", r.kept},
            {"skipped", skipped}};
}

}  // namespace stablepick::report
