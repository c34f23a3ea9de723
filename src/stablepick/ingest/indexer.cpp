#include "stablepick/ingest/indexer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "stablepick/git/commit_reader.hpp"
#include "stablepick/git/range.hpp"
#include "stablepick/git/walk.hpp"
#include "stablepick/ingest/backport_labels.hpp"
#include "stablepick/store/label_reads.hpp"
#include "stablepick/text/message.hpp"
#include "stablepick/util/progress.hpp"

namespace stablepick::git {
namespace {

struct BatchRead {
    size_t begin = 0, end = 0;
    std::vector<Result<ReadCommit>> results;
    std::vector<std::jthread> workers;  // declared last: joined first on destruction
};

// Stores one batch in one transaction (a checkpoint): commits, membership, skipped files.
Status write_batch(Store& store, int64_t branch_row, std::vector<Result<ReadCommit>>& results,
                   BranchReport& br, IndexReport& report) {
    if (auto r = store.begin(); !r) return r;
    auto abort = [&](const Error& e) {
        store.rollback();
        return Status(std::unexpected(e));
    };
    int64_t commits = 0, with_skips = 0, skipped = 0;
    for (auto& res : results) {
        if (!res) return abort(res.error());
        if (res->commit.parent_count > 1) continue;  // merges are not recorded
        auto row = store.insert_commit(res->commit, res->compressed_diff);
        if (!row) return abort(row.error());
        if (auto r = store.add_to_branch(branch_row, *row); !r) return abort(r.error());
        for (auto& [path, reason] : res->skipped)
            if (auto r = store.add_skip(*row, path, reason); !r) return abort(r.error());
        with_skips += res->skipped.empty() ? 0 : 1;
        skipped += static_cast<int64_t>(res->skipped.size());
        ++commits;
    }
    if (auto r = store.commit(); !r) return r;
    br.new_commits += commits;
    report.new_commits += commits;
    report.commits_with_skips += with_skips;
    report.skipped_files += skipped;
    return {};
}

// Which merge on the main branch's first-parent line brought each commit in: the commits a
// merge's other parents reach that its first parent doesn't. Each commit is brought by one
// merge at most; commits made on the line itself have none. Incremental: the walk stops at the
// tip of the last run when the line grew by fast-forward.
Result<int64_t> record_merges(const Repository& repo, Store& store, const ObjectId& tip) {
    auto done = store.meta("merges_tip");
    if (!done) return std::unexpected(done.error());
    std::optional<ObjectId> stop;
    if (!done->empty())
        if (auto old = from_hex(*done)) {
            if (*old == tip) return 0;
            auto anc = repo.is_ancestor(*old, tip);
            if (anc && *anc) stop = *old;
        }
    auto brought = merges_on_first_parent_line(repo, tip, stop);
    if (!brought) return std::unexpected(brought.error());
    if (auto r = store.begin(); !r) return std::unexpected(r.error());
    auto abort = [&](const Error& e) {
        store.rollback();
        return Result<int64_t>(std::unexpected(e));
    };
    std::vector<store::MergedBy> rows;
    for (auto& [merge, side] : *brought) {
        std::string merge_hex = to_hex(merge);
        for (auto& oid : side) {
            auto row = store.commit_row(to_hex(oid));
            if (!row) return abort(row.error());
            if (!*row) continue;  // a merge, or not indexed
            rows.push_back({**row, merge_hex});
        }
    }
    // Without an earlier tip to continue from, the records are made anew.
    if (auto r = store::put_merged_by(store, rows, !stop); !r) return abort(r.error());
    auto n = static_cast<int64_t>(rows.size());
    if (auto r = store.set_meta("merges_tip", to_hex(tip)); !r) return abort(r.error());
    if (auto r = store.commit(); !r) return std::unexpected(r.error());
    return n;
}

}  // namespace

Result<IndexReport> run_index(const Repository& repo, Store& store, const Config& config,
                              const IndexOptions& options) {
    auto start = std::chrono::steady_clock::now();
    auto set = find_branches(repo, config, {options.main_branch, options.only_branches});
    if (!set) return std::unexpected(set.error());

    int threads = config.index.threads > 0
                      ? config.index.threads
                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::unique_ptr<CommitReader>> readers;
    for (int i = 0; i < threads; ++i) {
        auto r = repo.reopen();
        if (!r) return std::unexpected(r.error());
        readers.push_back(std::make_unique<CommitReader>(std::move(*r), config));
    }

    IndexReport report;
    report.choice = *set;
    std::vector<std::pair<Branch, BranchKind>> order{{set->main, BranchKind::kMain}};
    for (auto& b : set->stable) order.emplace_back(b, BranchKind::kStable);

    int64_t budget = options.stop_after.value_or(INT64_MAX);
    for (auto& [branch, kind] : order) {
        BranchReport br;
        br.name = branch.name;
        br.is_main = kind == BranchKind::kMain;
        auto stored_tip = store.branch_tip(branch.name);
        if (!stored_tip) return std::unexpected(stored_tip.error());
        std::string tip_hex = to_hex(branch.tip);
        if (*stored_tip && **stored_tip == tip_hex) {
            br.up_to_date = true;
            report.branches.push_back(br);
            continue;
        }
        std::vector<ObjectId> hide;
        if (kind == BranchKind::kStable) hide.push_back(set->main.tip);
        if (*stored_tip) {
            // Only a fast-forward can hide the old tip; after a rewrite the walk starts over
            // and stored commits are recognised one by one.
            if (auto old = from_hex(**stored_tip)) {
                auto anc = repo.is_ancestor(*old, branch.tip);
                if (anc && *anc) hide.push_back(*old);
            }
        }
        auto oids = walk_branch(repo, branch.name, branch.tip, hide);
        if (!oids) return std::unexpected(oids.error());

        if (auto r = store.begin(); !r) return std::unexpected(r.error());
        auto branch_row = store.ensure_branch(branch.name, kind);
        if (!branch_row) {
            store.rollback();
            return std::unexpected(branch_row.error());
        }
        // Commits stored by an earlier (maybe killed) run or by another branch need only
        // their membership; the rest are read in parallel, batch by batch.
        std::vector<ObjectId> todo;
        for (auto& oid : *oids) {
            auto row = store.commit_row(to_hex(oid));
            if (!row) {
                store.rollback();
                return std::unexpected(row.error());
            }
            if (*row) {
                if (auto r = store.add_to_branch(*branch_row, **row); !r) {
                    store.rollback();
                    return std::unexpected(r.error());
                }
                ++br.known_commits;
            } else {
                todo.push_back(oid);
            }
        }
        if (auto r = store.commit(); !r) return std::unexpected(r.error());
        // --stop-after: only as many new commits as the budget has left, whatever the batch.
        bool over_budget = static_cast<int64_t>(todo.size()) > budget - report.new_commits;
        if (over_budget)
            todo.resize(static_cast<size_t>(std::max<int64_t>(0, budget - report.new_commits)));

        util::Progress progress(fmt::format("index {}", branch.name),
                                static_cast<int64_t>(todo.size()), options.quiet);
        // Batches are read in parallel while the previous batch is written: the store is
        // only touched from this thread, and one transaction per batch is the checkpoint.
        const size_t batch = std::max<size_t>(1, options.batch_size);
        auto launch = [&](size_t begin) {
            auto read = std::make_unique<BatchRead>();
            read->begin = begin;
            read->end = std::min(todo.size(), begin + batch);
            read->results.assign(read->end - begin,
                                 Result<ReadCommit>(fail(ErrorCode::kInternal, "not read")));
            size_t per = (read->end - begin + threads - 1) / threads;
            for (int t = 0; t < threads; ++t) {
                // Contiguous slices: neighbouring commits share trees and blobs.
                size_t from = begin + t * per, to = std::min(read->end, from + per);
                if (from >= to) continue;
                read->workers.emplace_back([&, r = read.get(), t, from, to] {
                    readers[t]->read_all(std::span<const ObjectId>(todo).subspan(from, to - from),
                                         std::span(r->results).subspan(from - r->begin, to - from));
                });
            }
            return read;
        };
        std::unique_ptr<BatchRead> current = todo.empty() ? nullptr : launch(0);
        while (current) {
            auto t_wait = std::chrono::steady_clock::now();
            current->workers.clear();  // joins
            auto t_write = std::chrono::steady_clock::now();
            report.seconds_reading += std::chrono::duration<double>(t_write - t_wait).count();
            std::unique_ptr<BatchRead> next =
                current->end < todo.size() ? launch(current->end) : nullptr;
            auto written = write_batch(store, *branch_row, current->results, br, report);
            if (!written) {
                if (next) next->workers.clear();
                return std::unexpected(written.error());
            }
            report.seconds_writing +=
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t_write).count();
            progress.advance(static_cast<int64_t>(current->end - current->begin));
            current = std::move(next);
        }
        if (over_budget) {  // the branch's tip is not recorded: a later run goes on from here
            report.stopped_early = true;
            report.branches.push_back(br);
            report.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            return report;
        }
        progress.finish();
        if (auto r = store.begin(); !r) return std::unexpected(r.error());
        if (auto r = store.set_branch_tip(branch.name, tip_hex); !r) {
            store.rollback();
            return std::unexpected(r.error());
        }
        if (auto r = store.commit(); !r) return std::unexpected(r.error());
        report.branches.push_back(br);
    }
    for (auto& r : readers)
        if (!r->git_available()) {
            report.notes.push_back(
                "the git command could not be run: diffs were read with libgit2 (slower)");
            break;
        }

    bool changed = std::ranges::any_of(report.branches, [](auto& b) { return !b.up_to_date; });
    // Commits stored under other marker rules have their markers found again (from the stored
    // message) before the labels are made from them.
    auto markers_version = store.meta("markers_version");
    if (!markers_version) return std::unexpected(markers_version.error());
    if (*markers_version != kMarkerRulesVersion) {
        if (auto r = store.begin(); !r) return std::unexpected(r.error());
        auto redone = store.rederive_markers(find_backport_markers);
        auto ok = redone ? store.set_meta("markers_version", kMarkerRulesVersion)
                         : Status(std::unexpected(redone.error()));
        if (!ok) {
            store.rollback();
            return std::unexpected(ok.error());
        }
        if (auto r = store.commit(); !r) return std::unexpected(r.error());
        changed |= *redone > 0;
    }
    auto labelled_version = store.meta("labels_version");
    if (!labelled_version) return std::unexpected(labelled_version.error());
    std::string version = labels_version(config.labels);
    if (changed || *labelled_version != version) {
        auto t_labels = std::chrono::steady_clock::now();
        // Whether a stable branch forked from main after a main commit: its merge base with
        // main, found once per branch, descends from it.
        std::map<std::string, std::optional<ObjectId>> fork_points;
        BranchHas branch_has = [&](const std::string& main_id,
                                   const std::string& branch) -> std::optional<bool> {
            auto [it, fresh] = fork_points.try_emplace(branch);
            if (fresh) {
                auto known = std::ranges::find(set->stable, branch, &Branch::name);
                auto tip = known != set->stable.end() ? Result<ObjectId>(known->tip)
                                                      : repo.resolve_commit("refs/heads/" + branch);
                if (tip)
                    if (auto base = merge_base(repo, *tip, set->main.tip)) it->second = *base;
            }
            auto oid = from_hex(main_id);
            if (!it->second || !oid) return std::nullopt;
            auto r = repo.is_ancestor(*oid, *it->second);
            return r ? std::optional<bool>(*r) : std::nullopt;
        };
        auto labels = compute_backport_labels(store, config.labels, branch_has);
        if (!labels) return std::unexpected(labels.error());
        if (auto r = store.begin(); !r) return std::unexpected(r.error());
        auto ok = store.replace_labels({"marker", "patch-id"}, labels->labels);
        if (ok) ok = store.set_meta("labels_version", version);
        if (ok) ok = store.set_meta("label_summary", labels->summary_json());
        if (!ok) {
            store.rollback();
            return std::unexpected(ok.error());
        }
        if (auto r = store.commit(); !r) return std::unexpected(r.error());
        report.labels_updated = true;
        report.patch_id = labels->patch_id;
        report.seconds_labels =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t_labels).count();
    }
    auto merges = record_merges(repo, store, set->main.tip);
    if (!merges) return std::unexpected(merges.error());
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace stablepick::git
