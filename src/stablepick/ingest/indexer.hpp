#pragma once
// `stablepick index`: walks the main branch and every stable branch (ingest/branch_choice
// says which they are), stores every new non-merge commit, then recomputes the backport labels.
//
// Incremental and restartable: each branch's indexed tip is stored only when the branch is
// complete, commits are written in walk order in checkpointed batches, and a commit already
// stored is never written again. A killed run, restarted, ends with the same store as one
// clean run.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/git/repository.hpp"
#include "stablepick/ingest/backport_labels.hpp"
#include "stablepick/ingest/branch_choice.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::git {

struct IndexOptions {
    std::optional<std::string> main_branch;  // --main: overrides the choice of the main branch
    std::vector<std::string> only_branches;  // --branch: just these stable branches (plus main)
    bool quiet = false;
    // Commits read in parallel and written in one transaction: the checkpoint size.
    size_t batch_size = 2048;
    // Stop after this many new commits (tests use it to simulate a killed run).
    std::optional<int64_t> stop_after;
};

struct BranchReport {
    std::string name;
    bool is_main = false;
    int64_t new_commits = 0;    // stored by this run
    int64_t known_commits = 0;  // already stored (another branch had them)
    bool up_to_date = false;
};

struct IndexReport {
    BranchSet choice;  // which branches were taken and left out, and why
    std::vector<BranchReport> branches;
    int64_t new_commits = 0;
    int64_t skipped_files = 0;
    int64_t commits_with_skips = 0;
    bool labels_updated = false;
    PatchIdSummary patch_id;  // when labels_updated: what patch-id matching kept and refused
    bool stopped_early = false;
    std::vector<std::string> notes;  // degradations worth a warning
    double seconds = 0;
    double seconds_reading = 0;  // wall time the readers took (diffs, parsing)
    double seconds_writing = 0;  // wall time the store took
    double seconds_labels = 0;
};

Result<IndexReport> run_index(const Repository& repo, Store& store, const Config& config,
                              const IndexOptions& options);

}  // namespace stablepick::git
