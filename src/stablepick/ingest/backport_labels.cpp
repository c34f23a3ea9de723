#include "stablepick/ingest/backport_labels.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "stablepick/store/label_reads.hpp"

namespace stablepick {
namespace {

struct StableCommit {
    int64_t row;
    std::string sha;
    int64_t time;
    std::string patch_id;
    std::string subject;
    std::vector<std::string> markers;
    std::vector<std::string> branches;
};

struct MainCandidate {
    int64_t time;
    std::string sha;
    int64_t row;
    auto operator<=>(const MainCandidate&) const = default;
};

// Lower case words of a subject without "[PATCH v2 3/5]"-style tags in front, a GitHub
// "(#123)" at the end, or a final full stop.
std::vector<std::string> subject_words(std::string_view subject) {
    static const RE2 kTags(R"(^\s*(?:\[[^\]]*\]\s*)+)");
    static const RE2 kPullRequest(R"(\s*\(#\d+\)\s*$)");
    std::string text(subject);
    RE2::Replace(&text, kTags, "");
    RE2::Replace(&text, kPullRequest, "");
    std::vector<std::string> words;
    std::string word;
    for (char ch : text + " ") {
        if (std::isalnum(static_cast<unsigned char>(ch))) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        } else if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
        }
    }
    return words;
}

// Sorted full ids; an abbreviated id resolves when exactly one id starts with it.
class IdSet {
  public:
    void add(std::string id) { ids_.push_back(std::move(id)); }
    void seal() { std::ranges::sort(ids_); }
    // The unique id starting with `prefix`; empty when none or several.
    std::string unique(std::string_view prefix) const {
        auto it = std::ranges::lower_bound(ids_, prefix);
        if (it == ids_.end() || !it->starts_with(prefix)) return {};
        if (std::next(it) != ids_.end() && std::next(it)->starts_with(prefix)) return {};
        return *it;
    }

  private:
    std::vector<std::string> ids_;
};

}  // namespace

std::string labels_version(const LabelConfig& config) {
    return fmt::format("{} (patch id: {} lines, {} days)", kLabelsVersion,
                       config.patch_id_min_lines, config.patch_id_small_max_days);
}

bool subjects_agree(std::string_view a, std::string_view b) {
    auto wa = subject_words(a), wb = subject_words(b);
    if (wa == wb) return !wa.empty();
    // Dice coefficient of the word sets: "fix Tx context descriptor" and "fix wrong Tx context
    // descriptor" agree (0.92); "fix typo" and "fix typos" do not (0.5).
    std::set<std::string> sa(wa.begin(), wa.end()), sb(wb.begin(), wb.end());
    size_t common = 0;
    for (auto& w : sa) common += sb.contains(w);
    return !sa.empty() && !sb.empty() && 5 * 2 * common >= 4 * (sa.size() + sb.size());
}

std::string LabelComputation::summary_json() const {
    nlohmann::json j;
    j["main_commits"] = main_commits;
    j["main_backported_by_marker"] = main_backported_by_marker;
    j["main_backported_by_patch_id"] = main_backported_by_patch_id;
    j["labels"] = labels.size();
    j["patch_id"] = {{"labels", patch_id.labels},
                     {"subjects_differ", patch_id.subjects_differ},
                     {"refused_in_branch", patch_id.refused_in_branch},
                     {"refused_small", patch_id.refused_small},
                     {"refused_years", patch_id.refused_years}};
    for (auto& b : branches)
        j["branches"].push_back({{"branch", b.branch},
                                 {"stable_commits", b.stable_commits},
                                 {"with_marker", b.with_marker},
                                 {"by_marker", b.by_marker},
                                 {"by_patch_id", b.by_patch_id},
                                 {"unresolved_markers", b.unresolved_markers}});
    return j.dump();
}

Result<LabelComputation> compute_backport_labels(Store& store, const LabelConfig& config,
                                                 const BranchHas& branch_has) {
    LabelComputation out;

    IdSet main_ids;
    std::unordered_map<std::string, std::vector<MainCandidate>> main_by_patch;
    auto st = store::for_each_main_patch(store, [&](store::MainPatchRow& r) {
        if (!r.patch_id.empty()) main_by_patch[r.patch_id].push_back({r.time, r.id, r.row});
        main_ids.add(std::move(r.id));
        ++out.main_commits;
    });
    if (!st) return std::unexpected(st.error());
    main_ids.seal();
    for (auto& [_, v] : main_by_patch) std::ranges::sort(v);

    // Stable-only commits: on a stable branch and on no main branch.
    std::vector<StableCommit> stable;
    std::unordered_map<int64_t, size_t> by_row;
    st = store::for_each_stable_only(store, [&](store::StableOnlyRow& r) {
        auto [it, inserted] = by_row.try_emplace(r.row, stable.size());
        if (inserted)
            stable.push_back({r.row,
                              std::move(r.id),
                              r.time,
                              std::move(r.patch_id),
                              std::move(r.subject),
                              {},
                              {}});
        stable[it->second].branches.push_back(std::move(r.branch));
    });
    if (!st) return std::unexpected(st.error());
    st = store::for_each_marker(store, [&](int64_t row, std::string ref_id) {
        if (auto it = by_row.find(row); it != by_row.end())
            stable[it->second].markers.push_back(std::move(ref_id));
    });
    if (!st) return std::unexpected(st.error());
    IdSet stable_ids;
    std::unordered_map<std::string, size_t> stable_by_sha;
    for (size_t i = 0; i < stable.size(); ++i) {
        stable_ids.add(stable[i].sha);
        stable_by_sha[stable[i].sha] = i;
    }
    stable_ids.seal();

    // A marker may name another stable commit (a cherry-pick from a newer stable branch);
    // follow such chains to the main commit, a few steps at most.
    std::function<void(const std::string&, int, std::set<std::string>&)> resolve =
        [&](const std::string& ref, int depth, std::set<std::string>& found) {
            if (auto m = main_ids.unique(ref); !m.empty()) {
                found.insert(m);
                return;
            }
            if (depth >= 4) return;
            if (auto s = stable_ids.unique(ref); !s.empty())
                for (auto& next : stable[stable_by_sha[s]].markers) resolve(next, depth + 1, found);
        };

    // What a patch-id candidate says: its subject and how many lines it changes, read only for
    // the few main commits that share a stable commit's patch id.
    auto sizes = store::CommitSizeReader::open(store);
    if (!sizes) return std::unexpected(sizes.error());
    using Facts = store::CommitSizeReader::Size;
    std::unordered_map<int64_t, Facts> facts_of;
    auto read_facts = [&](int64_t row) -> Result<const Facts*> {
        if (auto it = facts_of.find(row); it != facts_of.end()) return &it->second;
        auto f = sizes->read(row);
        if (!f) return std::unexpected(f.error());
        return &facts_of.emplace(row, std::move(*f)).first->second;
    };

    std::map<std::string, BranchLabelSummary> summaries;
    std::set<std::string> by_marker_main, by_patch_main;
    for (auto& s : stable) {
        std::set<std::string> found;
        for (auto& m : s.markers) resolve(m, 0, found);
        const std::vector<MainCandidate>* same_patch = nullptr;
        if (found.empty() && !s.patch_id.empty())
            if (auto it = main_by_patch.find(s.patch_id); it != main_by_patch.end())
                same_patch = &it->second;
        for (auto& branch : s.branches) {
            auto& sum = summaries[branch];
            sum.branch = branch;
            ++sum.stable_commits;
            if (!s.markers.empty()) ++sum.with_marker;
            if (!s.markers.empty() && found.empty()) ++sum.unresolved_markers;
            if (!found.empty()) {
                ++sum.by_marker;
                for (auto& main : found)
                    out.labels.push_back(BackportLabel{main, branch, s.sha, s.time, "marker", ""});
                continue;
            }
            if (!same_patch) continue;
            // The main commits with the same patch id made before the stable one that the
            // branch did not already have; of those, one whose subject agrees, else the latest.
            const MainCandidate* best = nullptr;
            bool best_agrees = false;
            bool refused_in_branch = false;
            for (auto& cand : *same_patch) {
                if (cand.time > s.time) break;
                if (branch_has)
                    if (auto has = branch_has(cand.sha, branch); has && *has) {
                        refused_in_branch = true;
                        continue;
                    }
                auto f = read_facts(cand.row);
                if (!f) return std::unexpected(f.error());
                bool agrees = subjects_agree((*f)->subject, s.subject);
                if (!best || agrees || !best_agrees) {
                    best = &cand;
                    best_agrees = agrees;
                }
            }
            if (!best) {
                out.patch_id.refused_in_branch += refused_in_branch;
                continue;
            }
            auto f = read_facts(best->row);
            if (!f) return std::unexpected(f.error());
            if ((*f)->lines < config.patch_id_min_lines) {
                if (!best_agrees) {
                    ++out.patch_id.refused_small;
                    continue;
                }
                if (s.time - best->time > int64_t{config.patch_id_small_max_days} * 86400) {
                    ++out.patch_id.refused_years;
                    continue;
                }
            }
            ++sum.by_patch_id;
            ++out.patch_id.labels;
            out.patch_id.subjects_differ += (*f)->subject != s.subject;
            out.labels.push_back(BackportLabel{best->sha, branch, s.sha, s.time, "patch-id", ""});
            by_patch_main.insert(best->sha);
        }
        for (auto& main : found) by_marker_main.insert(main);
    }
    out.main_backported_by_marker = static_cast<int64_t>(by_marker_main.size());
    int64_t patch_only = 0;
    for (auto& m : by_patch_main) patch_only += by_marker_main.contains(m) ? 0 : 1;
    out.main_backported_by_patch_id = patch_only;
    for (auto& [_, s] : summaries) out.branches.push_back(s);
    return out;
}

}  // namespace stablepick
