#pragma once
// The store: everything stablepick knows about one repository. Every stage reads and writes
// it through the Store and the named operations of store/'s parts; the database behind it is
// a backend, chosen by the location's URL scheme from one table (store/store.cpp):
// "sqlite:PATH" or a bare path, one SQLite file; "postgresql://host/db", a PostgreSQL server a
// team shares. Schema changes are numbered migrations
// (store/schema.cpp), applied on open.
//
// Thread safety: a Store belongs to one thread; open one per thread (Store::open(url())).
// Writers take an exclusive lock so two runs never write at once; readers need none.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stablepick/core/commit.hpp"
#include "stablepick/core/error.hpp"
#include "stablepick/util/file_lock.hpp"

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

// A backend's failure, with the code a caller can act on already chosen by the backend.
struct SqlError {
    ErrorCode code = ErrorCode::kIo;
    std::string message;
};

class Store;
namespace store {
class Connection;
class Statement;
// The connection a store runs its named operations over: for store/'s parts only
// (store/sql.hpp).
Connection& connection_of(Store& store);
// What a backend opened: its connection, the file it lives in (when it is one), the URL that
// opens it again (when it is not a file) and the writer's lock file (when held).
struct OpenedBackend {
    std::unique_ptr<Connection> connection;
    std::filesystem::path path;
    std::string url;
    std::optional<util::FileLock> lock;
};
}  // namespace store

class Store {
  public:
    enum class Mode { kRead, kWrite };

    // Opens (creating it in kWrite mode) the store at `location`: "sqlite:PATH", a bare path,
    // or "postgresql://…". kWrite takes the store's lock: kUnavailable when another run holds
    // it (or the server cannot be reached); kInvalidInput for a scheme no backend serves.
    static Result<Store> open(const std::filesystem::path& location, Mode mode);
    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

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

    // Where it lives: the location it was opened with, as a URL ("sqlite:/path/store.sqlite",
    // "postgresql://host/db"), which opens the same store again; and the file, for a backend
    // that is one (empty for a server).
    const std::string& url() const { return url_; }
    const std::filesystem::path& path() const { return path_; }

    // Turns a backend's failure into an Error naming what was being done.
    static Error error(const SqlError& e, std::string_view doing);

  private:
    friend store::Connection& store::connection_of(Store& store);
    Store(std::string url, store::OpenedBackend backend);
    Result<store::Statement*> cached(std::string_view sql);

    std::string url_;
    std::filesystem::path path_;
    std::unique_ptr<store::Connection> db_;
    std::optional<util::FileLock> lock_;
    std::vector<std::pair<std::string, std::unique_ptr<store::Statement>>> statements_;
};

inline constexpr int kSchemaVersion = 11;

}  // namespace stablepick
