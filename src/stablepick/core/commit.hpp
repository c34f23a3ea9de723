#pragma once
// Domain types for one commit as stablepick records it, whatever it was read from
// (a git repository, a commit-notification mail, a patch file).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stablepick {

// A "Key: value" line from the commit message's trailer block, or a marker line such as
// "commit <sha> upstream." that git does not treat as a trailer.
struct Trailer {
    std::string key;      // as written ("Signed-off-by", "Cc", "Fixes")
    std::string value;    // text after the colon, without the "# comment"
    std::string comment;  // text after " #" on Cc lines: "5.10.x", "prerequisite for ..."
    // Normalised meaning, so later stages need not know each project's spelling.
    enum class Kind {
        kOther,
        kFixes,        // value names a commit that this one fixes (ref_id, ref_subject)
        kFixesIssue,   // "Fixes: #123": an issue number, not a commit
        kCcStable,     // Cc: stable@...
        kCcNoAutosel,  // Cc: stable+noautosel@... # reason
        kSignedOffBy,
        kReportedBy,
        kLink,
        kCloses,
    } kind = Kind::kOther;
    std::string ref_id;       // commit id named by a kFixes trailer (possibly abbreviated)
    std::string ref_subject;  // quoted subject of that commit
};

// A marker that says this commit carries another: "(cherry picked from commit X)",
// "[ Upstream commit X ]", "commit X upstream.", "master commit: X".
struct BackportMarker {
    std::string id;    // possibly abbreviated, lower case hex
    std::string form;  // "cherry-pick", "upstream", "master-commit"
};

struct FileChange {
    std::string path;      // new path (old path when deleted)
    std::string old_path;  // differs from path on renames
    char status = 'M';     // A, D, M, R
    int added = 0;
    int removed = 0;
    bool binary = false;
    bool skipped = false;  // blob missing or unreadable: counted, diff not stored
};

struct Hunk {
    std::string path;
    std::string header;  // the function name git prints after "@@ ... @@"
};

struct Commit {
    std::string id;  // full 40-hex id
    std::string author_name, author_email;
    std::string committer_name, committer_email;
    int64_t author_time = 0;  // seconds since the epoch, UTC
    int64_t commit_time = 0;
    std::string subject;
    std::string body;  // message after the subject line
    std::vector<Trailer> trailers;
    std::vector<BackportMarker> markers;
    std::optional<std::string> revert_of;  // id named by "This reverts commit X."
    bool is_revert = false;                // subject starts with Revert "
    std::vector<FileChange> files;
    std::vector<Hunk> hunks;
    std::string diff;  // unified diff, possibly cut at the size cap
    bool diff_truncated = false;
    int64_t diff_bytes = 0;      // full size before the cap
    std::string patch_id;        // hex; empty when the commit changes nothing textual
    std::string source = "git";  // git, mbox, changelog, patch
    int parent_count = 1;
};

}  // namespace stablepick
