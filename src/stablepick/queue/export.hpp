#pragma once
// A tree's queue as the kernel's stable-queue keeps it: a quilt directory `queue-X.Y/` with a
// `series` file and one `<subject-slug>.patch` per commit (the in-body From:, the
// "[ Upstream commit <sha> ]" line, the original message and sign-offs, the maintainer's
// Signed-off-by, the diff), and the same as a `git cherry-pick -x` script, both in the order
// the main branch took the commits, so prerequisites come first.
#include <filesystem>
#include <string>
#include <vector>

#include "stablepick/git/repository.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::queue {

struct QueuePatch {
    std::string commit, file_name, text;
};
struct QueueExport {
    std::string directory;  // "queue-6.6"
    std::vector<QueuePatch> patches;
    std::string series;  // the file names, one per line
    std::string script;  // #!/bin/sh … git cherry-pick -x …
};

// The candidates of `tree` in `state` (default: queued). `signer` ("Name <email>") signs each
// patch off.
Result<QueueExport> export_queue(Store& store, const git::Repository& repo, const std::string& tree,
                                 const std::string& signer, const std::string& state = "queued");

// Writes `out/<directory>/series`, its patches and `out/<directory>.sh`. Each file is whole or
// absent; files of an earlier export that are no longer in the series are left alone.
Status write_export(const std::filesystem::path& out, const QueueExport& queue);

// "net: fix a crash (v2)" → "net-fix-a-crash-v2", as stable-queue names patches.
std::string patch_slug(const std::string& subject);

}  // namespace stablepick::queue
