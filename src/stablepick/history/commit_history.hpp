#pragma once
// The history the offline voters learn from and look up: every stored main-branch commit as
// facts (no diffs), when its label became known (first backported, or known as a CVE fix: a
// "positive" either way), and when each stable branch began. Loaded
// in a few bulk queries so a backtest over 80,000 commits reads the store once.
//
// Immutable once loaded; thread safe to read.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "stablepick/core/commit.hpp"
#include "stablepick/core/error.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick {

struct FileStat {
    std::string path;
    int added = 0, removed = 0;
};

struct CommitFacts {
    int64_t row = 0;
    std::string id;
    int64_t time = 0;  // committer date: when the commit reached the main branch
    int64_t author_time = 0;
    std::string author_email;
    std::string subject;
    std::string message;            // body without trailer lines
    std::vector<Trailer> trailers;  // after --strip-tag
    bool nominated = false;         // carried a stable nomination (Cc: stable) before any stripping
    bool is_revert = false;
    std::vector<FileStat> files;
    int hunks = 0;
    std::vector<int> fixes_targets;  // history indexes of the commits its Fixes: tags name
    int fixes_unresolved = 0;        // Fixes: tags naming no stored main commit
};

inline constexpr int64_t kNever = INT64_MAX;

// What the voters learn to predict. kBackport: the commit was backported to a stable branch
// (or a maintainer decided to take it). kCve: the commit fixes a published CVE (the store's
// cves table, from `stablepick import vulns|cve-list|advisories`); its label is known from
// the moment the commit is made, since the CNA's assignments are read as they stand now.
enum class Label { kBackport, kCve };
const char* label_name(Label label);
std::optional<Label> parse_label(std::string_view name);

struct HistoryOptions {
    // A tag hidden before anything reads the text (TagStrip: trailers it matches dropped, the
    // words it matches removed from subject and message), so a backtest can pretend the tag
    // was never written. Empty: keep all.
    std::string strip_tag;
    Label label = Label::kBackport;
};

class CommitHistory {
  public:
    // Loads every non-merge main-branch commit, oldest first.
    static Result<CommitHistory> load(Store& store, const HistoryOptions& options = {});

    const std::vector<CommitFacts>& commits() const { return commits_; }
    // When commit i was first seen in a stable branch; kNever when it never was (as stored).
    // With Label::kCve: when its label (fixes a CVE) became known; kNever when it has none.
    int64_t first_positive(size_t i) const { return first_positive_[i]; }
    // Whether commit i is a positive (backported; kCve: fixes a CVE), as known at `when`.
    bool positive_at(size_t i, int64_t when) const { return first_positive_[i] < when; }
    // History index of a stored row; nullopt when it is not a main commit.
    std::optional<size_t> index_of_row(int64_t row) const;
    std::optional<size_t> index_of_id(const std::string& id) const;
    // The start of the newest stable branch that had begun by `when` (0 when none): a commit
    // made before it is in a release that has a stable branch.
    int64_t newest_stable_start(int64_t when) const;
    // The last positive the store knows of (0 when none).
    int64_t last_label_time() const { return last_label_time_; }
    Label label() const { return label_; }

  private:
    std::vector<CommitFacts> commits_;
    std::vector<int64_t> first_positive_;
    std::unordered_map<int64_t, size_t> by_row_;
    std::vector<std::pair<std::string, size_t>> by_id_;  // sorted, for prefixes
    std::vector<int64_t> stable_starts_;                 // sorted
    int64_t last_label_time_ = 0;
    Label label_ = Label::kBackport;
};

// The words of a commit message a word-statistics voter counts: lower case, 3+ letters.
std::vector<std::string> message_words(const CommitFacts& facts);

}  // namespace stablepick
