#pragma once
// Which branch is the main branch, which branches are its stable branches, and which tags name
// releases — each with the reason, so `index` and `branches` can say what they took and what
// they left out.
//
// The main branch: `--main`, else the first of `[branches] main` that exists when the config
// sets it, else of the usual names (master, main, staging, trunk) the one that contains the
// others; when they have diverged, the one with the newest commit, with a warning.
//
// A stable branch forks from the main branch and carries backports of its commits. A branch
// is taken when it shares history with the main branch and
//  - its whole name matches one of the name patterns (the defaults are hints: linux-X.Y.y,
//    vNNN-stable, stable-X.Y, release/X.Y/master, X.Y, X.Y.y), or
//  - at least a fifth, and at least two, of up to 50 of its own commits (first-parent, spread
//    evenly from its oldest to its newest) carry a backport marker that names a main-branch
//    commit ("(cherry picked from commit X)", "[ upstream commit X ]", "commit X upstream."),
//    and it belongs to the family of such branches — branches named alike once their numbers
//    are set aside: xy-1-57, xy-1-58 — that has the most of them (more than any family the name
//    patterns found). Branches of that family with no commits of their own yet, or fewer
//    backports, are taken too.
// Left out, and said why: branches that share no history with main or have no commits of their
// own, development branches (a feature branch, even one forked from main long ago, has few or
// no backport markers), and branches with backports named unlike the stable branches (a
// distribution's branch, a developer's backport of one feature, a staging copy).
// `[branches] stable` in the config replaces all of this: exactly the branches it matches.
// `--branch NAME` takes just the branches named, whatever their history.
//
// Reads no diff: one walk of the main branch, and per branch its own first-parent commits and
// 50 messages (about a second for glibc's 345 branches).
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/git/repository.hpp"
#include "stablepick/text/release_tags.hpp"

namespace stablepick::git {

// Why a branch was taken or left out.
enum class BranchWhy {
    kNamed,            // taken: a name pattern matches it
    kBackports,        // taken: its history carries backports, its family is the stable one
    kFamily,           // taken: named like the stable branches, few or no commits of its own
    kAsked,            // taken: --branch or [branches] stable names it
    kNoSharedHistory,  // left out: its first-parent line never meets the main branch
    kNoOwnCommits,     // left out: its tip is on the main branch
    kFewBackports,     // left out: too few of its sampled commits are backports
    kOtherFamily,      // left out: backports, but named unlike the stable branches
    kNotAsked,         // left out: [branches] stable or --branch names others
};

struct BranchVerdict {
    std::string name;
    bool stable = false;
    BranchWhy why = BranchWhy::kNotAsked;
    std::string reason;  // for a person: "44 of 50 sampled commits are backports of main commits"
    // The facts read (-1 own commits: not read, the choice needed none).
    int64_t own_commits = -1;
    int sampled = 0, backports = 0;
    int version_tags = 0;  // tags on its own commits that end in a version
};

struct BranchSet {
    Branch main;
    std::string main_reason;  // "contains 'master'", "the only one of master, main, … that exists"
    std::vector<Branch> stable;
    std::vector<BranchVerdict> verdicts;  // every branch but the main one, by name
    std::string how;                      // "by name and history", "[branches] stable", "--branch"
    ReleaseTags release_tags;             // learned from the tags of the branches taken
    std::vector<std::string> warnings;    // a main branch chosen among diverged ones, no stable
};

struct BranchChoiceOptions {
    std::optional<std::string> main;  // --main: the main branch's name
    std::vector<std::string> only;    // --branch: just these stable branches
};

// kNotFound: no main branch, or a branch --main or --branch names does not exist.
// kInvalidInput: a bad name pattern, --branch naming the main branch.
Result<BranchSet> find_branches(const Repository& repo, const Config& config,
                                const BranchChoiceOptions& options = {});

// "xy-\d+-\d+" for "xy-1-58": a name pattern for [branches] stable that matches `name` and its
// siblings (numbers set aside, the rest escaped).
std::string name_pattern_like(const std::string& name);

}  // namespace stablepick::git
