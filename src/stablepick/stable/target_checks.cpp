#include "stablepick/stable/target_checks.hpp"

#include <fmt/format.h>
#include <fnmatch.h>
#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_set>

#include "stablepick/git/apply_check.hpp"
#include "stablepick/git/blame.hpp"
#include "stablepick/git/branch_history.hpp"
#include "stablepick/git/describe.hpp"
#include "stablepick/git/hunks.hpp"
#include "stablepick/git/lookup.hpp"
#include "stablepick/git/range.hpp"
#include "stablepick/git/walk.hpp"
#include "stablepick/store/commit_reads.hpp"
#include "stablepick/store/tree_check_reads.hpp"
#include "stablepick/util/mail.hpp"

namespace stablepick::stable {

std::string branch_version(const std::string& name) {
    static const RE2 version_re(R"((\d+(?:\.\d+)*))");
    std::string version;
    RE2::PartialMatch(name, version_re, &version);
    return version.empty() ? name : version;
}

namespace {

// Version numbers in a branch name, compared numerically: "linux-6.10.y" > "linux-6.6.y".
std::vector<int> version_numbers(const std::string& version) {
    std::vector<int> out;
    std::stringstream parts(version);
    for (std::string part; std::getline(parts, part, '.');) out.push_back(std::atoi(part.c_str()));
    return out;
}

// "static int foo_bar(struct x *y)" -> "foo_bar": the identifier before the first '('.
std::string function_name(const std::string& header) {
    static const RE2 re(R"(([A-Za-z_][A-Za-z0-9_]*)\s*\()");
    std::string name;
    if (RE2::PartialMatch(header, re, &name)) return name;
    return {};
}

// The series a Link: names: its message id without the patch number
// ("20230101123456.12345-3-dev@host" and b4's "20240101-topic-v2-3-abc@kernel.org").
std::string series_of_link(const std::string& link) {
    std::string id = link.substr(link.rfind('/') == std::string::npos ? 0 : link.rfind('/') + 1);
    static const RE2 numbered(R"((.*)-\d+-([^-/]*@.*))");
    std::string head, tail;
    if (RE2::FullMatch(id, numbered, &head, &tail)) return head + "-" + tail;
    return {};
}

// TreeCheck's word for how a patch applies.
std::string applies_text(git::ApplyOutcome outcome) {
    switch (outcome) {
        case git::ApplyOutcome::kClean:
            return "clean";
        case git::ApplyOutcome::kThreeWay:
            return "3-way";
        case git::ApplyOutcome::kNoChanges:
            return "no changes";
        case git::ApplyOutcome::kConflict:
            return "conflict";
        case git::ApplyOutcome::kUnknown:
            break;
    }
    return "unknown";
}

}  // namespace

Result<std::vector<TargetBranch>> resolve_targets(const git::Repository& repo, Store& store,
                                                  const std::string& main_branch,
                                                  const std::vector<std::string>& names) {
    auto branches = repo.branches();
    if (!branches) return std::unexpected(branches.error());
    auto main_tip = repo.resolve_commit(main_branch);
    if (!main_tip) return std::unexpected(main_tip.error());
    std::vector<TargetBranch> out;
    for (auto& name : names) {
        auto it =
            std::ranges::find_if(*branches, [&](const git::Branch& b) { return b.name == name; });
        if (it == branches->end())
            return fail(ErrorCode::kNotFound,
                        fmt::format("target branch '{}' does not exist", name));
        // One definition of a stable branch: the one index took (ingest/branch_choice).
        auto stable = store::is_stable_branch(store, name);
        if (!stable) return std::unexpected(stable.error());
        if (!*stable || name == main_branch)
            return fail(
                ErrorCode::kInvalidInput,
                fmt::format("'{}' is not a stable branch: index did not take it ('stablepick "
                            "branches' says why; [branches] stable or index --branch "
                            "names it)",
                            name));
        TargetBranch t;
        t.name = name;
        t.tip = it->tip;
        auto branch_point = git::merge_base(repo, t.tip, *main_tip);
        if (!branch_point)
            return fail(
                ErrorCode::kInvalidInput,
                fmt::format("'{}' shares no history with the main branch '{}'", name, main_branch));
        t.branch_point = *branch_point;
        t.version = branch_version(name);
        // The newest tag on the branch names the release the mail is based on.
        t.base = git::to_hex(t.tip).substr(0, 12);
        if (auto described = git::describe_tags(repo, t.tip)) t.base = described->tag;
        out.push_back(std::move(t));
    }
    std::ranges::stable_sort(out, [](const TargetBranch& a, const TargetBranch& b) {
        return version_numbers(a.version) > version_numbers(b.version);
    });
    return out;
}

TargetChecker::TargetChecker(const git::Repository& repo, Store& store,
                             const CommitHistory& history, std::vector<TargetBranch> targets,
                             CheckOptions options)
    : repo_(repo),
      store_(store),
      history_(history),
      targets_(std::move(targets)),
      options_(std::move(options)) {
    const auto& commits = history_.commits();
    int64_t oldest = INT64_MAX;
    for (auto& t : targets_) {
        auto time = git::commit_time(repo_, t.branch_point);
        if (!time) continue;
        int64_t when = *time;
        if (when < oldest) {
            oldest = when;
            oldest_branch_point_ = git::to_hex(t.branch_point);
            oldest_branch_point_time_ = when;
        }
    }
    for (auto& t : targets_) {
        auto& set = newer_than_oldest_.emplace_back();
        git::RevisionWalk walk{{t.tip}, {}, false};
        if (auto bp = git::from_hex(oldest_branch_point_)) walk.hide.push_back(*bp);
        // What cannot be walked is left out: "is X in the branch" then falls back on ancestry.
        (void)git::visit_commits(repo_, walk,
                                 [&](const git::ObjectId& oid) { set.insert(git::to_hex(oid)); });
    }
    // Reverts: few, read once. A revert names the reverted commit by a (possibly short) id.
    // A store that cannot be read gives the reverts read before it failed, or none.
    (void)store::for_each_revert(store_, [&](const std::string& id, const std::string& reverted) {
        if (reverted.size() < 7) return;
        auto i = history_.index_of_id(id);
        if (!i || commits[*i].id != id) return;
        reverts_.emplace_back(reverted, *i);
        if (auto target = history_.index_of_id(reverted); target && *target != *i)
            reverted_by_.emplace(*i, *target);
    });
    fixed_by_.resize(commits.size());
    for (size_t i = 0; i < commits.size(); ++i)
        for (int t : commits[i].fixes_targets) fixed_by_[static_cast<size_t>(t)].push_back(i);
}

Result<bool> TargetChecker::in_target(const std::string& id, size_t target) {
    if (newer_than_oldest_[target].contains(id)) return true;
    if (auto it = in_oldest_cache_.find(id); it != in_oldest_cache_.end()) return it->second;
    auto oid = git::from_hex(id);
    auto bp = git::from_hex(oldest_branch_point_);
    if (!oid || !bp) return false;
    // A commit made well after the branch point can't be its ancestor; that answer is quick.
    if (auto i = history_.index_of_id(id);
        i && history_.commits()[*i].id == id &&
        history_.commits()[*i].time > oldest_branch_point_time_ + 86400) {
        in_oldest_cache_[id] = false;
        return false;
    }
    auto r = repo_.is_ancestor(*oid, *bp);
    if (!r) return std::unexpected(r.error());
    in_oldest_cache_[id] = *r;
    return *r;
}

std::string TargetChecker::backported_to(const std::string& id, const std::string& branch) {
    auto copy = store::first_backport_to(store_, id, branch);
    if (!copy || !*copy) return {};
    const auto& stable = (*copy)->stable_id;
    return fmt::format("{} {}", (*copy)->method,
                       stable.empty() ? "(no stable id)" : stable.substr(0, 12));
}

// The commits that last changed the lines the patch touches (its removed lines and one line of
// context around each change), as they were just before it; also the functions its hunks are
// in and the paths it changes on the old side.
Result<TargetChecker::Origins> TargetChecker::line_origins(const git::Repository& repo,
                                                           const git::ObjectId& oid,
                                                           const std::string& oldest_branch_point,
                                                           const std::set<std::string>& blame) {
    Origins result;
    result.blamed = blame;
    auto& functions = result.functions;
    auto& paths = result.paths;
    auto change = git::first_parent_hunks(repo, oid, 1);
    if (!change) return std::unexpected(change.error());
    if (change->parent.empty()) return result;
    std::map<std::string, std::vector<std::pair<int, int>>> ranges;  // old path -> old line ranges
    for (auto& file : change->files) {
        if (!file.added) paths.push_back(file.old_path);
        for (auto& hunk : file.hunks) {
            if (auto at = hunk.header.rfind("@@"); at != std::string::npos) {
                auto name = function_name(hunk.header.substr(at + 2));
                if (!name.empty()) functions.push_back(file.old_path + ":" + name);
            }
            if (file.added || file.binary) continue;
            if (hunk.old_lines > 0)
                ranges[file.old_path].emplace_back(hunk.old_start,
                                                   hunk.old_start + hunk.old_lines - 1);
        }
    }
    std::set<std::string> origins, boundary;
    std::erase_if(ranges, [&](const auto& entry) { return !blame.contains(entry.first); });
    for (auto& [path, spans] : ranges) {
        // Lines older than the oldest target's branch point are in every target: blame stops
        // there, which keeps it fast on long histories.
        auto blamed = git::blame_lines(repo, path, spans, change->parent, oldest_branch_point);
        if (!blamed)
            continue;  // a file git can't blame (a missing blob in a partial clone) proves nothing
        origins.insert(blamed->commits.begin(), blamed->commits.end());
        boundary.insert(blamed->boundary.begin(), blamed->boundary.end());
    }
    for (auto& id : boundary) origins.erase(id);
    result.older_lines = !boundary.empty();
    result.commits.assign(origins.begin(), origins.end());
    return result;
}

Result<TargetChecker::Applied> TargetChecker::apply_to(const git::CommitChange& change,
                                                       const git::ObjectId& onto) {
    auto check = change.apply_to(onto);
    if (!check) return std::unexpected(check.error());
    Applied out;
    out.status = applies_text(check->outcome);
    if (check->outcome == git::ApplyOutcome::kUnknown)
        out.conflicts.push_back(std::move(check->error));  // say why, and go on
    else
        out.conflicts = std::move(check->conflicts);
    return out;
}

std::vector<TargetChecker::Applied> TargetChecker::apply_everywhere(
    const git::Repository& repo, const git::ObjectId& oid) const {
    std::vector<Applied> out;
    auto change = git::CommitChange::read(repo, oid);
    if (!change) return out;
    for (auto& t : targets_) {
        auto applied = apply_to(*change, t.tip);
        if (!applied) return {};
        out.push_back(std::move(*applied));
    }
    return out;
}

void TargetChecker::prepare(const std::vector<size_t>& indexes, const std::vector<bool>& deep) {
    std::vector<std::optional<Result<Origins>>> found(indexes.size());
    std::atomic<size_t> next = 0;
    auto work = [&] {
        auto repo = repo_.reopen();  // libgit2 objects are not shared between threads
        for (size_t i; (i = next++) < indexes.size();) {
            auto oid = git::from_hex(history_.commits()[indexes[i]].id);
            if (!repo) {
                found[i] = std::unexpected(repo.error());
            } else if (oid) {
                auto applied = apply_everywhere(*repo, *oid);
                std::set<std::string> conflicting;
                if (deep[i])
                    for (auto& a : applied)
                        if (a.status == "conflict")
                            conflicting.insert(a.conflicts.begin(), a.conflicts.end());
                found[i] = line_origins(*repo, *oid, oldest_branch_point_, conflicting);
                if (*found[i]) (*found[i])->applied = std::move(applied);
            }
        }
    };
    {
        // Mostly waiting on `git blame`: a few more threads than cores.
        unsigned n = std::max(2u, std::thread::hardware_concurrency() + 2);
        std::vector<std::jthread> pool;
        for (unsigned t = 0; t < n; ++t) pool.emplace_back(work);
    }
    for (size_t i = 0; i < indexes.size(); ++i)
        if (found[i]) prepared_.insert_or_assign(indexes[i], std::move(*found[i]));
}

Result<CommitChecks> TargetChecker::check(size_t index, bool deep) {
    const auto& commits = history_.commits();
    const CommitFacts& f = commits[index];
    CommitChecks out;
    out.id = f.id;
    auto oid = git::from_hex(f.id);
    if (!oid) return fail(ErrorCode::kCorrupt, fmt::format("bad commit id '{}'", f.id));
    if (auto readable = repo_.check_commit(*oid); !readable)
        return std::unexpected(readable.error());

    // Once per commit: follow-ups, reverts, series, opt-outs.
    for (size_t j : fixed_by_[index])
        if (commits[j].time >= f.time)
            out.follow_ups.push_back({commits[j].id, commits[j].subject});
    for (auto& [reverted, revert] : reverts_)
        if (f.id.starts_with(reverted))
            out.reverts.push_back({commits[revert].id, commits[revert].subject});
    std::set<std::string> series_ids;
    for (auto& t : f.trailers)
        if (t.kind == Trailer::Kind::kLink)
            if (auto s = series_of_link(t.value); !s.empty()) series_ids.insert(s);
    if (!series_ids.empty()) {
        // Patches of one series land within days of each other: look a month either side.
        for (size_t j = 0; j < commits.size(); ++j) {
            if (j == index || commits[j].author_email != f.author_email) continue;
            if (std::abs(commits[j].time - f.time) > 30 * 86400) continue;
            for (auto& t : commits[j].trailers)
                if (t.kind == Trailer::Kind::kLink &&
                    series_ids.contains(series_of_link(t.value))) {
                    out.series.push_back({commits[j].id, commits[j].subject});
                    break;
                }
        }
    }
    // The other commits the same merge brought onto the main branch: a pull request, or a
    // series applied as a branch. A merge that brought more is a subsystem pull, not a series.
    {
        auto merged = store::merged_along_with(store_, f.id, kSeriesMergeMax + 1);
        if (!merged) return std::unexpected(merged.error());
        if (merged->size() <= kSeriesMergeMax)
            for (auto& m : *merged)
                if (m.id != f.id &&
                    std::ranges::find(out.series, m.id, &CommitRef::id) == out.series.end())
                    out.series.push_back({std::move(m.id), std::move(m.subject)});
    }
    for (auto& t : f.trailers)
        if (t.kind == Trailer::Kind::kCcNoAutosel)
            out.opt_out =
                fmt::format("Cc: {}{}", t.value, t.comment.empty() ? "" : " # " + t.comment);
    if (out.opt_out.empty())
        for (auto& file : f.files)
            for (auto& pattern : options_.opt_out_paths)
                if (out.opt_out.empty() && ::fnmatch(pattern.c_str(), file.path.c_str(), 0) == 0)
                    out.opt_out =
                        fmt::format("{} matches the opt-out path '{}'", file.path, pattern);
    bool cc_stable = std::ranges::any_of(
        f.trailers, [](const Trailer& t) { return t.kind == Trailer::Kind::kCcStable; });
    if (out.opt_out.empty() && !cc_stable)
        for (auto& file : f.files)
            for (auto& pattern : options_.ignore_paths)
                if (out.opt_out.empty() && ::fnmatch(pattern.c_str(), file.path.c_str(), 0) == 0)
                    out.opt_out =
                        fmt::format("{} matches '{}' of the ignore list, and it has no Cc: stable",
                                    file.path, pattern);

    auto it = prepared_.find(index);
    auto found = it != prepared_.end() ? std::move(it->second)
                                       : line_origins(repo_, *oid, oldest_branch_point_, {});
    if (it != prepared_.end()) prepared_.erase(it);
    if (!found) return std::unexpected(found.error());
    const auto& functions = found->functions;
    const auto& old_paths = found->paths;
    const std::vector<std::string>* origins = &found->commits;
    std::vector<std::string> fixes;
    for (int t : f.fixes_targets) fixes.push_back(commits[static_cast<size_t>(t)].id);
    std::optional<CommitRef> reverted;
    if (auto r = reverted_by_.find(index); r != reverted_by_.end())
        reverted = CommitRef{commits[r->second].id, commits[r->second].subject};

    // The diff to apply: the commit against its parent.
    auto change = git::CommitChange::read(repo_, *oid);
    if (!change) return std::unexpected(change.error());

    // First what needs no history: already there, code exists, applies.
    for (size_t ti = 0; ti < targets_.size(); ++ti) {
        auto& target = targets_[ti];
        TreeCheck tc;
        tc.branch = target.name;
        tc.already_there = backported_to(f.id, target.name);
        if (tc.already_there.empty()) {
            auto in_branch = in_target(f.id, ti);
            if (!in_branch) return std::unexpected(in_branch.error());
            if (*in_branch) tc.already_there = "reachable from the branch";
        }
        // Code exists.
        auto files = git::files_at_commit(repo_, target.tip, old_paths, target.name);
        if (!files) return std::unexpected(files.error());
        std::map<std::string, std::string> contents;
        for (auto& file : *files) {
            if (!file.present) {
                tc.missing_files.push_back(file.path);
                continue;
            }
            if (file.content) contents[file.path] = std::move(*file.content);
        }
        for (auto& fn : functions) {
            auto colon = fn.rfind(':');
            auto it = contents.find(fn.substr(0, colon));
            if (it != contents.end() && it->second.find(fn.substr(colon + 1)) == std::string::npos)
                tc.missing_functions.push_back(fn);
        }
        // Applies: a plain apply to the branch's tree (what git am does), else a 3-way merge.
        Applied applied;
        if (found->applied.size() == targets_.size()) {
            applied = found->applied[ti];
        } else {
            auto tried = apply_to(*change, target.tip);
            if (!tried) return std::unexpected(tried.error());
            applied = std::move(*tried);
        }
        tc.applies = applied.status;
        tc.conflicts = applied.conflicts;
        out.trees.push_back(std::move(tc));
    }
    // Where the touched lines came from is needed only where the patch does not apply: a patch
    // that applies finds the lines it changes in the branch, so the branch has the code.
    std::set<std::string> conflicting;
    for (auto& tc : out.trees)
        if (tc.already_there.empty() && tc.applies == "conflict")
            conflicting.insert(tc.conflicts.begin(), tc.conflicts.end());
    if (deep && !conflicting.empty() && !std::ranges::includes(found->blamed, conflicting)) {
        found = line_origins(repo_, *oid, oldest_branch_point_, conflicting);
        if (!found) return std::unexpected(found.error());
        origins = &found->commits;
    }
    for (size_t ti = 0; ti < targets_.size(); ++ti) {
        auto& target = targets_[ti];
        TreeCheck& tc = out.trees[ti];
        auto has = [&](const std::string& id) -> Result<bool> {
            auto r = in_target(id, ti);
            if (!r) return std::unexpected(r.error());
            return *r || !backported_to(id, target.name).empty();
        };
        bool applies = tc.applies == "clean" || tc.applies == "3-way";
        // Affected: a revert, when the commit it reverts is there (or was backported there):
        // reverting what a branch never took changes nothing there, or undoes something else.
        // Otherwise the commit it fixes is there; without Fixes:, the patch applies, or the
        // commits that wrote the lines it changes are there.
        if (reverted) {
            auto r = has(reverted->id);
            if (!r) return std::unexpected(r.error());
            tc.affected = *r;
            tc.affected_reason =
                *r ? fmt::format("the commit it reverts ({}) is in the branch",
                                 reverted->id.substr(0, 12))
                   : fmt::format(
                         "it reverts {} (\"{}\"), which {} never took", reverted->id.substr(0, 12),
                         util::one_line(reverted->subject, util::kMaxSubjectChars), target.name);
        } else if (!fixes.empty() || (!applies && !found->older_lines && !origins->empty())) {
            const auto& evidence = fixes.empty() ? *origins : fixes;
            bool any = false;
            std::vector<std::string> absent;
            for (auto& id : evidence) {
                auto r = has(id);
                if (!r) return std::unexpected(r.error());
                any |= *r;
                if (!*r) absent.push_back(id.substr(0, 12));
            }
            tc.affected = any;
            if (!any)
                tc.affected_reason =
                    fixes.empty()
                        ? fmt::format("the lines it changes came in with {}, none of them in {}",
                                      fmt::join(absent, ", "), target.name)
                        : fmt::format("the commit it fixes ({}) is not in {}",
                                      fmt::join(absent, ", "), target.name);
            else
                tc.affected_reason =
                    fixes.empty() ? "some lines it changes came in with commits the branch has"
                                  : "the commit it fixes is in the branch";
        } else if (applies) {
            tc.affected_reason = "the lines it changes are in the branch";
        } else if (found->older_lines) {
            tc.affected_reason = "some lines it changes are older than the branch";
        } else {
            tc.affected_reason = "no Fixes: tag and no older lines changed";
        }
        // A patch whose 3-way merge changes nothing is there in effect (a backport no marker or
        // patch id names, or an equal change of the branch's own).
        if (tc.affected && tc.already_there.empty() && tc.applies == "no changes")
            tc.already_there = "in effect: a 3-way merge changes nothing";
        // Prerequisites: origins of the touched lines made after the branch point and missing.
        if (tc.affected && tc.already_there.empty() && !applies) {
            for (auto& id : *origins) {
                if (std::ranges::find(fixes, id) != fixes.end()) continue;
                auto r = has(id);
                if (!r) return std::unexpected(r.error());
                if (*r) continue;
                auto i = history_.index_of_id(id);
                tc.prerequisites.push_back(
                    {id, i && commits[*i].id == id ? commits[*i].subject : std::string()});
            }
        }
    }
    return out;
}

}  // namespace stablepick::stable
