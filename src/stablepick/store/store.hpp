#pragma once
// The store: everything stablepick knows about one repository, in one SQLite file.
// Schema changes are numbered migrations (store/schema.cpp), applied on open.
//
// Thread safety: a Store belongs to one thread. Writers take an exclusive lock file beside
// the database so two runs never write at once; readers need no lock (SQLite WAL).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/core/commit.hpp"
#include "stablepick/core/error.hpp"
#include "stablepick/util/file_lock.hpp"
#include "stablepick/util/sqlite.hpp"

namespace stablepick {

// A main-branch commit carried into a stable branch.
struct BackportLabel {
    std::string main_id;      // full id of the main-branch commit
    std::string branch;       // stable branch ("v254-stable", "linux-6.6.y")
    std::string stable_id;    // the stable commit (may be empty for id-only ChangeLogs)
    int64_t stable_time = 0;  // when the stable commit was made (committer date)
    std::string method;       // marker, patch-id, changelog
    std::string release;      // stable release it shipped in, when known ("5.10.12")
};

enum class BranchKind { kMain, kStable };

class Store {
  public:
    enum class Mode { kRead, kWrite };

    // Opens (creating it in kWrite mode) the database at `path`, which may be written
    // "sqlite:PATH". kWrite takes the store's lock: kUnavailable when another run holds it.
    static Result<Store> open(const std::filesystem::path& path, Mode mode);

    // The default location for a repository: <git-dir>/stablepick/store.sqlite.
    static std::filesystem::path default_path(const std::filesystem::path& git_dir);

    Status begin();
    Status commit();
    void rollback();

    // Row id of a stored commit, nullopt when unknown.
    Result<std::optional<int64_t>> commit_row(std::string_view id);
    // Stores a commit with its trailers, markers, files and hunks. REQUIRES: not yet stored.
    // `compressed_diff` is commit.diff compressed by the caller (off the writer thread).
    Result<int64_t> insert_commit(const Commit& commit, std::string_view compressed_diff);
    Status add_skip(int64_t commit_row, std::string_view path, std::string_view reason);

    Result<int64_t> ensure_branch(std::string_view name, BranchKind kind);
    Status add_to_branch(int64_t branch_row, int64_t commit_row);
    Result<std::optional<std::string>> branch_tip(std::string_view name);
    Status set_branch_tip(std::string_view name, std::string_view tip);

    // Replaces every label made by `methods` with `labels` (one transaction by the caller).
    Status replace_labels(const std::vector<std::string>& methods,
                          const std::vector<BackportLabel>& labels);
    Status add_label(const BackportLabel& label);  // ignored when already there

    // Finds every stored commit's markers again with `find`, given the message as "subject,
    // blank line, body", and keeps what it finds: for when the marker rules change. Returns how
    // many commits' markers changed. One transaction by the caller.
    Result<int64_t> rederive_markers(
        const std::function<std::vector<BackportMarker>(std::string_view message)>& find);

    Result<std::string> meta(std::string_view key);  // empty when unset
    Status set_meta(std::string_view key, std::string_view value);

    // For stages that own their read queries (stats, resolve, labels).
    util::Database& db() { return db_; }
    const std::filesystem::path& path() const { return path_; }

    // Turns a SQLite failure into an Error naming what was being done.
    static Error error(const util::SqliteError& e, std::string_view doing);

  private:
    Store(util::Database db, std::filesystem::path path, std::optional<util::FileLock> lock)
        : db_(std::move(db)), path_(std::move(path)), lock_(std::move(lock)) {}
    Result<util::Statement*> cached(std::string_view sql);

    util::Database db_;
    std::filesystem::path path_;
    std::optional<util::FileLock> lock_;
    std::vector<std::pair<std::string, std::unique_ptr<util::Statement>>> statements_;
};

// Applies the numbered migrations the database has not seen. Idempotent.
Status migrate(util::Database& db);
inline constexpr int kSchemaVersion = 7;

}  // namespace stablepick
