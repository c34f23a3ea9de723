#include "stablepick/ingest/backport_labels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

namespace stablepick {
namespace {

struct StableCommit {
    int64_t row;
    std::string sha;
    int64_t time;
    std::string patch_id;
    std::vector<std::string> markers;
    std::vector<std::string> branches;
};

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

std::string LabelComputation::summary_json() const {
    nlohmann::json j;
    j["main_commits"] = main_commits;
    j["main_backported_by_marker"] = main_backported_by_marker;
    j["main_backported_by_patch_id"] = main_backported_by_patch_id;
    j["labels"] = labels.size();
    for (auto& b : branches)
        j["branches"].push_back({{"branch", b.branch},
                                 {"stable_commits", b.stable_commits},
                                 {"with_marker", b.with_marker},
                                 {"by_marker", b.by_marker},
                                 {"by_patch_id", b.by_patch_id},
                                 {"unresolved_markers", b.unresolved_markers}});
    return j.dump();
}

Result<LabelComputation> compute_backport_labels(Store& store) {
    auto& db = store.db();
    LabelComputation out;

    IdSet main_ids;
    std::unordered_map<std::string, std::vector<std::pair<int64_t, std::string>>> main_by_patch;
    {
        auto q = db.prepare(R"(SELECT c.sha, c.patch_id, c.commit_time FROM commits c
            JOIN branch_commits bc ON bc.commit_id = c.id
            JOIN branches b ON b.id = bc.branch_id AND b.kind = 'main')");
        if (!q) return std::unexpected(Store::error(q.error(), "read main commits"));
        while (true) {
            auto row = q->step();
            if (!row) return std::unexpected(Store::error(row.error(), "read main commits"));
            if (!*row) break;
            std::string sha = q->text(0);
            if (!q->is_null(1)) main_by_patch[q->text(1)].emplace_back(q->int64(2), sha);
            main_ids.add(std::move(sha));
            ++out.main_commits;
        }
    }
    main_ids.seal();
    for (auto& [_, v] : main_by_patch) std::ranges::sort(v);

    // Stable-only commits: on a stable branch and on no main branch.
    std::vector<StableCommit> stable;
    std::unordered_map<int64_t, size_t> by_row;
    {
        auto q = db.prepare(R"(SELECT c.id, c.sha, c.commit_time, c.patch_id, b.name FROM commits c
            JOIN branch_commits bc ON bc.commit_id = c.id
            JOIN branches b ON b.id = bc.branch_id AND b.kind = 'stable'
            WHERE NOT EXISTS (SELECT 1 FROM branch_commits m JOIN branches mb ON mb.id = m.branch_id
                              WHERE m.commit_id = c.id AND mb.kind = 'main')
            ORDER BY c.id)");
        if (!q) return std::unexpected(Store::error(q.error(), "read stable commits"));
        while (true) {
            auto row = q->step();
            if (!row) return std::unexpected(Store::error(row.error(), "read stable commits"));
            if (!*row) break;
            int64_t id = q->int64(0);
            auto [it, inserted] = by_row.try_emplace(id, stable.size());
            if (inserted)
                stable.push_back(
                    {id, q->text(1), q->int64(2), q->is_null(3) ? "" : q->text(3), {}, {}});
            stable[it->second].branches.push_back(q->text(4));
        }
    }
    {
        auto q = db.prepare("SELECT commit_id, ref_id FROM markers ORDER BY commit_id, seq");
        if (!q) return std::unexpected(Store::error(q.error(), "read markers"));
        while (true) {
            auto row = q->step();
            if (!row) return std::unexpected(Store::error(row.error(), "read markers"));
            if (!*row) break;
            if (auto it = by_row.find(q->int64(0)); it != by_row.end())
                stable[it->second].markers.push_back(q->text(1));
        }
    }
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

    std::map<std::string, BranchLabelSummary> summaries;
    std::set<std::string> by_marker_main, by_patch_main;
    for (auto& s : stable) {
        std::set<std::string> found;
        for (auto& m : s.markers) resolve(m, 0, found);
        std::string method = "marker";
        if (found.empty() && !s.patch_id.empty()) {
            // The latest main commit with the same patch id made before the stable one.
            if (auto it = main_by_patch.find(s.patch_id); it != main_by_patch.end()) {
                const std::pair<int64_t, std::string>* best = nullptr;
                for (auto& cand : it->second)
                    if (cand.first <= s.time) best = &cand;
                if (best) {
                    found.insert(best->second);
                    method = "patch-id";
                }
            }
        }
        for (auto& branch : s.branches) {
            auto& sum = summaries[branch];
            sum.branch = branch;
            ++sum.stable_commits;
            if (!s.markers.empty()) ++sum.with_marker;
            if (!found.empty()) ++(method == "marker" ? sum.by_marker : sum.by_patch_id);
            if (!s.markers.empty() && found.empty()) ++sum.unresolved_markers;
            for (auto& main : found)
                out.labels.push_back(BackportLabel{main, branch, s.sha, s.time, method, ""});
        }
        for (auto& main : found) (method == "marker" ? by_marker_main : by_patch_main).insert(main);
    }
    out.main_backported_by_marker = static_cast<int64_t>(by_marker_main.size());
    int64_t patch_only = 0;
    for (auto& m : by_patch_main) patch_only += by_marker_main.contains(m) ? 0 : 1;
    out.main_backported_by_patch_id = patch_only;
    for (auto& [_, s] : summaries) out.branches.push_back(s);
    return out;
}

}  // namespace stablepick
