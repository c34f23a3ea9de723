#include "stablepick/stable/target_checks.hpp"

#include <fmt/format.h>
#include <fnmatch.h>
#include <git2.h>
#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_set>

#include "stablepick/git/git_runner.hpp"
#include "stablepick/store/commit_reads.hpp"
#include "stablepick/store/sql.hpp"
#include "stablepick/util/mail.hpp"

namespace stablepick::stable {
namespace {

template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, git::Deleter<T, Free>>;

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

// Whether `git apply` (and so `git am`) would take the diff on `tree`: every file to change
// is there (and every file to add is not), and each hunk's old lines — context and removed —
// are found, in order, in the file as the tree has it (at any offset, as git apply allows).
// Reads only the touched files, where reading the whole tree into an index costs far more.
bool applies_as_is(const git::Repository& repo, git_diff* diff, git_tree* tree) {
    size_t deltas = git_diff_num_deltas(diff);
    for (size_t d = 0; d < deltas; ++d) {
        const git_diff_delta* delta = git_diff_get_delta(diff, d);
        git_tree_entry* raw = nullptr;
        bool present = git_tree_entry_bypath(&raw, tree, delta->old_file.path) == 0;
        Owned<git_tree_entry, git_tree_entry_free> entry(raw);
        if (delta->status == GIT_DELTA_ADDED) {
            if (git_tree_entry_bypath(&raw, tree, delta->new_file.path) == 0) {
                git_tree_entry_free(raw);
                return false;
            }
            continue;
        }
        if (!present) return false;
        if (git_oid_equal(git_tree_entry_id(entry.get()), &delta->old_file.id))
            continue;  // same file
        if (delta->status == GIT_DELTA_DELETED || (delta->flags & GIT_DIFF_FLAG_BINARY))
            return false;
        git_blob* blob_raw = nullptr;
        if (git_blob_lookup(&blob_raw, repo.get(), git_tree_entry_id(entry.get())) != 0)
            return false;
        Owned<git_blob, git_blob_free> blob(blob_raw);
        std::string_view content(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                                 static_cast<size_t>(git_blob_rawsize(blob.get())));
        git_patch* patch_raw = nullptr;
        if (git_patch_from_diff(&patch_raw, diff, d) != 0 || !patch_raw) return false;
        Owned<git_patch, git_patch_free> patch(patch_raw);
        size_t from = 0;
        for (size_t h = 0; h < git_patch_num_hunks(patch.get()); ++h) {
            std::string old_text;
            int lines = git_patch_num_lines_in_hunk(patch.get(), h);
            for (int l = 0; l < lines; ++l) {
                const git_diff_line* line = nullptr;
                git_patch_get_line_in_hunk(&line, patch.get(), h, static_cast<size_t>(l));
                if (line->origin == GIT_DIFF_LINE_CONTEXT || line->origin == GIT_DIFF_LINE_DELETION)
                    old_text.append(line->content, line->content_len);
            }
            if (old_text.empty()) continue;
            // At the start of a line: search from there, and accept a match at a line start.
            size_t at = from;
            while (true) {
                at = content.find(old_text, at);
                if (at == std::string_view::npos) return false;
                if (at == 0 || content[at - 1] == '\n') break;
                ++at;
            }
            from = at + old_text.size();
        }
    }
    return true;
}

// Whether a merge result leaves every path the diff touches as `tree` has it: the patch's
// change is already there (or, for a revert, was never there), and applying it changes nothing.
bool changes_nothing(git_diff* diff, git_index* merged, git_tree* tree) {
    auto same = [&](const char* path) {
        const git_index_entry* in_index = git_index_get_bypath(merged, path, 0);
        git_tree_entry* raw = nullptr;
        bool in_tree = git_tree_entry_bypath(&raw, tree, path) == 0;
        Owned<git_tree_entry, git_tree_entry_free> entry(raw);
        if (!in_index || !in_tree) return !in_index && !in_tree;
        return git_oid_equal(&in_index->id, git_tree_entry_id(entry.get())) &&
               in_index->mode == static_cast<uint32_t>(git_tree_entry_filemode(entry.get()));
    };
    for (size_t d = 0; d < git_diff_num_deltas(diff); ++d) {
        const git_diff_delta* delta = git_diff_get_delta(diff, d);
        if (!same(delta->old_file.path) || !same(delta->new_file.path)) return false;
    }
    return true;
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
        if (git_merge_base(&t.branch_point, repo.get(), &t.tip, &*main_tip) != 0)
            return fail(
                ErrorCode::kInvalidInput,
                fmt::format("'{}' shares no history with the main branch '{}'", name, main_branch));
        static const RE2 version_re(R"((\d+(?:\.\d+)*))");
        RE2::PartialMatch(name, version_re, &t.version);
        if (t.version.empty()) t.version = name;
        // The newest tag on the branch names the release the mail is based on.
        t.base = git::to_hex(t.tip).substr(0, 12);
        if (auto tip = repo.lookup_commit(t.tip)) {
            git_describe_options opts = GIT_DESCRIBE_OPTIONS_INIT;
            opts.describe_strategy = GIT_DESCRIBE_TAGS;
            git_describe_result* raw = nullptr;
            if (git_describe_commit(&raw, reinterpret_cast<git_object*>(tip->get()), &opts) == 0) {
                Owned<git_describe_result, git_describe_result_free> result(raw);
                git_describe_format_options fmt_opts = GIT_DESCRIBE_FORMAT_OPTIONS_INIT;
                fmt_opts.abbreviated_size = 0;
                git_buf buf = GIT_BUF_INIT;
                if (git_describe_format(&buf, result.get(), &fmt_opts) == 0) t.base = buf.ptr;
                git_buf_dispose(&buf);
            }
        }
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
        git_commit* c = nullptr;
        if (git_commit_lookup(&c, repo_.get(), &t.branch_point) != 0) continue;
        int64_t when = git_commit_time(c);
        git_commit_free(c);
        if (when < oldest) {
            oldest = when;
            oldest_branch_point_ = git::to_hex(t.branch_point);
            oldest_branch_point_time_ = when;
        }
    }
    for (auto& t : targets_) {
        auto& set = newer_than_oldest_.emplace_back();
        git_revwalk* raw = nullptr;
        if (git_revwalk_new(&raw, repo_.get()) != 0) continue;
        git::RevwalkPtr walk(raw);
        git_revwalk_push(walk.get(), &t.tip);
        if (auto bp = git::from_hex(oldest_branch_point_)) git_revwalk_hide(walk.get(), &*bp);
        git_oid oid;
        while (git_revwalk_next(&oid, walk.get()) == 0) set.insert(git::to_hex(oid));
    }
    // Reverts: few, read once. A revert names the reverted commit by a (possibly short) id.
    if (auto q = stablepick::store::connection_of(store_).prepare(
            "SELECT sha, revert_of FROM commits WHERE revert_of IS NOT NULL")) {
        while (true) {
            auto row = q->step();
            if (!row || !*row) break;
            auto id = q->text(0);
            auto reverted = q->text(1);
            if (reverted.size() < 7) continue;
            auto i = history_.index_of_id(id);
            if (!i || commits[*i].id != id) continue;
            reverts_.emplace_back(reverted, *i);
            if (auto target = history_.index_of_id(reverted); target && *target != *i)
                reverted_by_.emplace(*i, *target);
        }
    }
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
    auto q = stablepick::store::connection_of(store_).prepare(
        "SELECT method, stable_sha FROM backports WHERE main_sha = ? AND branch = ? "
        "ORDER BY method = 'marker' DESC, stable_time LIMIT 1");
    if (!q) return {};
    q->bind(1, id).bind(2, branch);
    auto row = q->step();
    if (!row || !*row) return {};
    auto stable = q->text(1);
    return fmt::format("{} {}", q->text(0),
                       stable.empty() ? "(no stable id)" : stable.substr(0, 12));
}

// The commits that last changed the lines the patch touches (its removed lines and one line of
// context around each change), as they were just before it; also the functions its hunks are
// in and the paths it changes on the old side.
Result<TargetChecker::Origins> TargetChecker::line_origins(const git::Repository& repo,
                                                           const git_oid& oid,
                                                           const std::string& oldest_branch_point,
                                                           const std::set<std::string>& blame) {
    Origins result;
    result.blamed = blame;
    auto& functions = result.functions;
    auto& paths = result.paths;
    auto commit = repo.lookup_commit(oid);
    if (!commit) return std::unexpected(commit.error());
    if (git_commit_parentcount(commit->get()) == 0) return result;
    git_commit* parent_raw = nullptr;
    if (int rc = git_commit_parent(&parent_raw, commit->get(), 0); rc != 0)
        return std::unexpected(git::last_error(rc, "read parent"));
    Owned<git_commit, git_commit_free> parent(parent_raw);
    git_tree *old_raw = nullptr, *new_raw = nullptr;
    git_commit_tree(&old_raw, parent.get());
    git_commit_tree(&new_raw, commit->get());
    Owned<git_tree, git_tree_free> old_tree(old_raw), new_tree(new_raw);
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.context_lines = 1;
    git_diff* diff_raw = nullptr;
    if (int rc =
            git_diff_tree_to_tree(&diff_raw, repo.get(), old_tree.get(), new_tree.get(), &opts);
        rc != 0)
        return std::unexpected(git::last_error(rc, "diff"));
    Owned<git_diff, git_diff_free> diff(diff_raw);
    std::map<std::string, std::vector<std::pair<int, int>>> ranges;  // old path -> old line ranges
    struct Walk {
        std::map<std::string, std::vector<std::pair<int, int>>>* ranges;
        std::vector<std::string>* functions;
        std::vector<std::string>* paths;
    } walk{&ranges, &functions, &paths};
    git_diff_foreach(
        diff.get(),
        [](const git_diff_delta* delta, float, void* payload) {
            auto* w = static_cast<Walk*>(payload);
            if (delta->status != GIT_DELTA_ADDED) w->paths->push_back(delta->old_file.path);
            return 0;
        },
        nullptr,
        [](const git_diff_delta* delta, const git_diff_hunk* hunk, void* payload) {
            auto* w = static_cast<Walk*>(payload);
            std::string header(hunk->header, hunk->header_len);
            if (auto at = header.rfind("@@"); at != std::string::npos) {
                auto name = function_name(header.substr(at + 2));
                if (!name.empty())
                    w->functions->push_back(std::string(delta->old_file.path) + ":" + name);
            }
            if (delta->status == GIT_DELTA_ADDED || (delta->flags & GIT_DIFF_FLAG_BINARY)) return 0;
            if (hunk->old_lines > 0)
                (*w->ranges)[delta->old_file.path].emplace_back(
                    hunk->old_start, hunk->old_start + hunk->old_lines - 1);
            return 0;
        },
        nullptr, &walk);
    std::set<std::string> origins, boundary;
    std::string parent_id = git::to_hex(*git_commit_id(parent.get()));
    std::erase_if(ranges, [&](const auto& entry) { return !blame.contains(entry.first); });
    for (auto& [path, spans] : ranges) {
        std::vector<std::string> args{"blame", "--porcelain"};
        for (size_t i = 0; i < spans.size() && i < 100; ++i)
            args.push_back(fmt::format("-L{},{}", spans[i].first, spans[i].second));
        // Lines older than the oldest target's branch point are in every target: blame stops
        // there, which keeps it fast on long histories.
        args.push_back(oldest_branch_point.empty() ? parent_id
                                                   : oldest_branch_point + ".." + parent_id);
        args.insert(args.end(), {"--", path});
        auto out = git::run_git(repo.git_dir(), args, 8 * 1024 * 1024, std::chrono::seconds(30));
        if (!out)
            continue;  // a file git can't blame (a missing blob in a partial clone) proves nothing
        std::stringstream lines(*out);
        static const RE2 header(R"(([0-9a-f]{40}) \d+ \d+.*)");
        std::string id, current;
        for (std::string line; std::getline(lines, line);) {
            if (RE2::FullMatch(line, header, &id)) {
                current = id;
                origins.insert(id);
            } else if (line == "boundary") {  // at the oldest branch point or before it
                boundary.insert(current);
            }
        }
    }
    for (auto& id : boundary) origins.erase(id);
    result.older_lines = !boundary.empty();
    result.commits.assign(origins.begin(), origins.end());
    return result;
}

TargetChecker::Applied TargetChecker::apply_to(const git::Repository& repo,
                                               const git::CommitPtr& commit, git_diff* diff,
                                               git_commit* tip) {
    Applied out;
    git_tree* tree_raw = nullptr;
    git_commit_tree(&tree_raw, tip);
    Owned<git_tree, git_tree_free> tree(tree_raw);
    if (applies_as_is(repo, diff, tree.get())) {
        out.status = "clean";
        return out;
    }
    git_index* merged_raw = nullptr;
    git_cherrypick_options cp = GIT_CHERRYPICK_OPTIONS_INIT;
    int rc = git_cherrypick_commit(&merged_raw, repo.get(), commit.get(), tip, 0, &cp.merge_opts);
    Owned<git_index, git_index_free> merged(merged_raw);
    if (rc != 0) {  // e.g. a blob a partial clone lacks: say so, and go on
        out.status = "unknown";
        out.conflicts.push_back(git::last_error(rc, "cherry-pick in memory").message);
    } else if (!git_index_has_conflicts(merged.get())) {
        out.status = changes_nothing(diff, merged.get(), tree.get()) ? "no changes" : "3-way";
    } else {
        out.status = "conflict";
        git_index_conflict_iterator* it_raw = nullptr;
        git_index_conflict_iterator_new(&it_raw, merged.get());
        Owned<git_index_conflict_iterator, git_index_conflict_iterator_free> it(it_raw);
        const git_index_entry *ancestor, *ours, *theirs;
        std::set<std::string> paths;
        while (git_index_conflict_next(&ancestor, &ours, &theirs, it.get()) == 0)
            paths.insert(ours ? ours->path : theirs ? theirs->path : ancestor->path);
        out.conflicts.assign(paths.begin(), paths.end());
    }
    return out;
}

std::vector<TargetChecker::Applied> TargetChecker::apply_everywhere(const git::Repository& repo,
                                                                    const git_oid& oid) const {
    std::vector<Applied> out;
    auto commit = repo.lookup_commit(oid);
    if (!commit) return out;
    Owned<git_tree, git_tree_free> old_tree(nullptr), new_tree(nullptr);
    git_tree* raw = nullptr;
    if (git_commit_parentcount(commit->get()) > 0) {
        git_commit* parent = nullptr;
        if (git_commit_parent(&parent, commit->get(), 0) != 0) return out;
        git_commit_tree(&raw, parent);
        git_commit_free(parent);
        old_tree.reset(raw);
    }
    git_commit_tree(&raw, commit->get());
    new_tree.reset(raw);
    git_diff* diff_raw = nullptr;
    if (git_diff_tree_to_tree(&diff_raw, repo.get(), old_tree.get(), new_tree.get(), nullptr) != 0)
        return out;
    Owned<git_diff, git_diff_free> diff(diff_raw);
    for (auto& t : targets_) {
        git_commit* tip_raw = nullptr;
        if (git_commit_lookup(&tip_raw, repo.get(), &t.tip) != 0) return {};
        Owned<git_commit, git_commit_free> tip(tip_raw);
        out.push_back(apply_to(repo, *commit, diff.get(), tip.get()));
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
    auto commit = repo_.lookup_commit(*oid);
    if (!commit) return std::unexpected(commit.error());

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
        auto q = stablepick::store::connection_of(store_).prepare(
            "SELECT c.sha, c.subject FROM merged_by m JOIN commits c ON c.id = m.commit_id "
            "WHERE m.merge_sha = (SELECT b.merge_sha FROM merged_by b JOIN commits o ON o.id = "
            "b.commit_id WHERE o.sha = ?) ORDER BY c.commit_time, c.id LIMIT ?");
        if (!q) return std::unexpected(Store::error(q.error(), "read merges"));
        q->bind(1, f.id).bind(2, static_cast<int64_t>(kSeriesMergeMax + 1));
        std::vector<CommitRef> merged;
        while (true) {
            auto r = q->step();
            if (!r) return std::unexpected(Store::error(r.error(), "read merges"));
            if (!*r) break;
            merged.push_back({q->text(0), q->text(1)});
        }
        if (merged.size() <= kSeriesMergeMax)
            for (auto& m : merged)
                if (m.id != f.id &&
                    std::ranges::find(out.series, m.id, &CommitRef::id) == out.series.end())
                    out.series.push_back(std::move(m));
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
    git_tree *old_raw = nullptr, *new_raw = nullptr;
    Owned<git_commit, git_commit_free> parent(nullptr);
    if (git_commit_parentcount(commit->get()) > 0) {
        git_commit* p = nullptr;
        git_commit_parent(&p, commit->get(), 0);
        parent.reset(p);
        git_commit_tree(&old_raw, parent.get());
    }
    git_commit_tree(&new_raw, commit->get());
    Owned<git_tree, git_tree_free> old_tree(old_raw), new_tree(new_raw);
    git_diff* diff_raw = nullptr;
    if (int rc =
            git_diff_tree_to_tree(&diff_raw, repo_.get(), old_tree.get(), new_tree.get(), nullptr);
        rc != 0)
        return std::unexpected(git::last_error(rc, "diff"));
    Owned<git_diff, git_diff_free> diff(diff_raw);

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
        git_commit* tip_raw = nullptr;
        if (int rc = git_commit_lookup(&tip_raw, repo_.get(), &target.tip); rc != 0)
            return std::unexpected(git::last_error(rc, "read " + target.name));
        Owned<git_commit, git_commit_free> tip(tip_raw);
        git_tree* tip_tree_raw = nullptr;
        git_commit_tree(&tip_tree_raw, tip.get());
        Owned<git_tree, git_tree_free> tip_tree(tip_tree_raw);
        std::map<std::string, std::string> contents;
        for (auto& path : old_paths) {
            git_tree_entry* e = nullptr;
            if (git_tree_entry_bypath(&e, tip_tree.get(), path.c_str()) != 0) {
                tc.missing_files.push_back(path);
                continue;
            }
            Owned<git_tree_entry, git_tree_entry_free> entry(e);
            git_blob* blob = nullptr;
            if (git_blob_lookup(&blob, repo_.get(), git_tree_entry_id(entry.get())) == 0) {
                contents[path].assign(static_cast<const char*>(git_blob_rawcontent(blob)),
                                      static_cast<size_t>(git_blob_rawsize(blob)));
                git_blob_free(blob);
            }
        }
        for (auto& fn : functions) {
            auto colon = fn.rfind(':');
            auto it = contents.find(fn.substr(0, colon));
            if (it != contents.end() && it->second.find(fn.substr(colon + 1)) == std::string::npos)
                tc.missing_functions.push_back(fn);
        }
        // Applies: a plain apply to the branch's tree (what git am does), else a 3-way merge.
        auto applied = found->applied.size() == targets_.size()
                           ? found->applied[ti]
                           : apply_to(repo_, *commit, diff.get(), tip.get());
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
