#include "stablepick/cve/affected_ranges.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <ranges>
#include <unordered_map>
#include <unordered_set>

#include "stablepick/git/branch_history.hpp"
#include "stablepick/git/describe.hpp"
#include "stablepick/git/range.hpp"
#include "stablepick/git/walk.hpp"
#include "stablepick/store/commit_reads.hpp"
#include "stablepick/store/cve_ranges_reads.hpp"
#include "stablepick/store/cve_tables.hpp"
#include "stablepick/text/release_tags.hpp"

namespace stablepick::cve {
namespace {

// A release tag, its version as the project writes it and as numbers for ordering.
struct ReleaseTag {
    std::string version;     // "6.6.74", "2.39", "6.8-rc3"
    std::vector<int> parts;  // 6, 6, 74 (an -rc is ordered before its release)
    int rc = 0;              // 3 for -rc3, 0 for a release
    git::ObjectId commit;
};

bool version_less(const ReleaseTag& a, const ReleaseTag& b) {
    if (a.parts != b.parts) return a.parts < b.parts;
    // An -rc comes before its release: rc 1, 2, … then 0.
    int ar = a.rc ? a.rc : INT32_MAX, br = b.rc ? b.rc : INT32_MAX;
    return ar < br;
}

std::vector<int> numbers_of(std::string_view v) {
    std::vector<int> out;
    int n = 0;
    bool in = false;
    for (char ch : v) {
        if (ch >= '0' && ch <= '9') {
            n = n * 10 + (ch - '0');
            in = true;
        } else {
            if (in) out.push_back(n);
            n = 0;
            in = false;
            if (ch == '-') break;  // "-rc3", "-31": not part of the release number
        }
    }
    if (in) out.push_back(n);
    return out;
}

// Every number of a version, for ordering ("2.39-31" -> 2, 39, 31).
std::vector<int> numbers_of_all(const std::string& v) {
    std::vector<int> out;
    int n = -1;
    for (char ch : v) {
        if (ch >= '0' && ch <= '9') {
            n = (n < 0 ? 0 : n * 10) + (ch - '0');
        } else if (n >= 0) {
            out.push_back(n);
            n = -1;
        }
    }
    if (n >= 0) out.push_back(n);
    return out;
}

// The version after the newest one: a commit made after the last tag is in the next release.
std::string next_version(const std::string& version) {
    auto parts = numbers_of(version);
    if (parts.empty()) return version + "+";
    ++parts.back();
    return fmt::format("{}", fmt::join(parts, "."));
}

std::string release_of(const ReleaseTag& t) {
    return t.rc ? t.version.substr(0, t.version.find("-rc")) : t.version;
}

std::string key(const git::ObjectId& oid) {
    return git::id_key(oid);
}

// Calls f(oid) for every commit reachable from `push` and not from `hide`. What cannot be walked
// is left out: a line whose history is damaged is judged on the commits that can be read.
void walk(const git::Repository& repo, std::vector<git::ObjectId> push,
          std::vector<git::ObjectId> hide, const std::function<void(const git::ObjectId&)>& f) {
    (void)git::visit_commits(repo, {std::move(push), std::move(hide), false}, f);
}

class RangeFinder {
  public:
    RangeFinder(git::Repository& repo, Store& store, const Config& config)
        : repo_(repo), store_(store), config_(config) {}

    Result<AffectedRanges> run(const std::vector<std::string>& fix_specs,
                               const RangesOptions& options);

  private:
    Status load_branches();
    Status load_tags();
    Result<std::string> resolve(const std::string& spec, const char* what);
    // Whether `sha` is a main-branch commit (in the store, or reachable from the main tip).
    Result<bool> on_main(const std::string& sha);
    bool ancestor(const git::ObjectId& a, const git::ObjectId& b) {
        auto r = repo_.is_ancestor(a, b);
        return r && *r;
    }
    bool ancestor(const std::string& a, const git::ObjectId& b) {
        auto oid = git::from_hex(a);
        return oid && ancestor(*oid, b);
    }
    // The version that first shipped `sha` on the main line: the oldest release tag holding it.
    std::string main_version(const std::string& sha);
    // The version that shipped `sha` on stable branch `b`.
    std::string branch_version(size_t b, const std::string& sha);
    struct Backport {
        std::string sha;
        int64_t time = 0;
        std::string reverted_by;
    };
    Result<std::vector<Backport>> backports(const std::string& main_sha, const std::string& branch);
    Result<std::string> reverted_on(const std::string& sha, const std::string& branch);
    // The last commit of the main line's first-parent chain.
    std::string first_parent_root();
    // The main-branch commit a stable commit backports; empty when it backports none.
    Result<std::string> main_commit_of(const std::string& stable_sha);

    struct Line {
        std::string name;
        git::ObjectId tip{};
        git::ObjectId fork{};                 // merge base with main
        std::vector<ReleaseTag> tags;         // its own, oldest first
        std::unordered_set<std::string> own;  // commits past the fork (stable lines)
        // The first of its tags (in version order) that holds each commit; built on first use.
        std::optional<std::unordered_map<std::string, size_t>> first_tag;
    };
    // The index into line.tags of the oldest tag holding `oid`; nullopt when none does.
    std::optional<size_t> first_tag_of(Line& line, const git::ObjectId& oid, bool main);
    std::unordered_set<std::string> main_reachable_;
    git::Repository& repo_;
    Store& store_;
    const Config& config_;
    Line main_;
    std::vector<Line> stable_;
    VersionScheme scheme_ = VersionScheme::kTags;
    VersionScheme scheme_override_ = VersionScheme::kAuto;
    ReleaseTags release_tags_;
};

Result<std::string> RangeFinder::resolve(const std::string& spec, const char* what) {
    auto oid = repo_.resolve_commit(spec);
    if (!oid && oid.error().code == ErrorCode::kAmbiguous)
        return fail(
            ErrorCode::kAmbiguous,
            fmt::format("{} '{}' names more than one commit: give more of its id", what, spec));
    if (!oid) return fail(ErrorCode::kNotFound, fmt::format("{} '{}' is not a commit", what, spec));
    return git::to_hex(*oid);
}

Status RangeFinder::load_branches() {
    auto branches = store::recorded_branches(store_);
    if (!branches) return std::unexpected(branches.error());
    bool have_main = false;
    for (auto& branch : *branches) {
        Line line;
        line.name = branch.name;
        const std::string& kind = branch.kind;
        auto tip = branch.tip ? git::from_hex(*branch.tip) : std::nullopt;
        if (!tip) {
            auto resolved = repo_.resolve_commit(line.name);
            if (!resolved) continue;
            tip = *resolved;
        }
        line.tip = *tip;
        if (kind == "main") {
            main_ = std::move(line);
            have_main = true;
        } else if (kind == "stable") {
            stable_.push_back(std::move(line));
        }
    }
    if (!have_main)
        return fail(ErrorCode::kNotFound, "the store has no main branch: run 'stablepick index'");
    walk(repo_, {main_.tip}, {}, [&](const git::ObjectId& o) { main_reachable_.insert(key(o)); });
    for (auto& s : stable_) {
        if (auto base = git::merge_base(repo_, main_.tip, s.tip)) s.fork = *base;
        walk(repo_, {s.tip}, {s.fork}, [&](const git::ObjectId& o) { s.own.insert(key(o)); });
    }
    return {};
}

Status RangeFinder::load_tags() {
    auto index = git::TagIndex::read(repo_);
    if (!index) return std::unexpected(index.error());
    // Which tags name releases is learned from the tags the lines carry (text/release_tags),
    // unless cve.tag_prefix says it.
    std::vector<std::string> stable_names, main_names;
    for (auto& t : index->all()) {
        if (main_reachable_.contains(key(t.commit)))
            main_names.push_back(t.name);
        else if (std::ranges::any_of(stable_,
                                     [&](auto& s) { return s.own.contains(key(t.commit)); }))
            stable_names.push_back(t.name);
    }
    auto release = ReleaseTags::choose(config_.cve.tag_prefix, stable_names, main_names);
    if (!release) return std::unexpected(release.error());
    release_tags_ = std::move(*release);
    std::vector<ReleaseTag> all;
    for (auto& t : index->all()) {
        auto v = release_tags_.release(t.name);
        if (!v) continue;
        all.push_back({v->version, v->parts, v->rc, t.commit});
    }
    std::ranges::sort(all, version_less);
    // A tag belongs to the main line when main holds it; else to the stable branch that holds
    // it past its fork point.
    for (auto& t : all) {
        if (main_reachable_.contains(key(t.commit))) {
            main_.tags.push_back(t);
            continue;
        }
        for (auto& s : stable_)
            if (s.own.contains(key(t.commit))) {
                s.tags.push_back(t);
                break;
            }
    }
    bool stable_tags = std::ranges::any_of(stable_, [](auto& s) { return !s.tags.empty(); });
    scheme_ = scheme_override_ != VersionScheme::kAuto ? scheme_override_
              : config_.cve.versions == "tags"         ? VersionScheme::kTags
              : config_.cve.versions == "describe"     ? VersionScheme::kDescribe
              : stable_tags                            ? VersionScheme::kTags
                                                       : VersionScheme::kDescribe;
    return {};
}

std::optional<size_t> RangeFinder::first_tag_of(Line& line, const git::ObjectId& oid, bool main) {
    if (!line.first_tag) {
        // Tag by tag in version order, each walk hiding what the earlier tags hold: every
        // commit is met once, under the oldest tag that holds it (git describe --contains).
        line.first_tag.emplace();
        std::vector<git::ObjectId> hide;
        if (!main) hide.push_back(line.fork);
        for (size_t t = 0; t < line.tags.size(); ++t) {
            walk(repo_, {line.tags[t].commit}, hide,
                 [&](const git::ObjectId& o) { line.first_tag->emplace(key(o), t); });
            hide.push_back(line.tags[t].commit);
        }
    }
    auto it = line.first_tag->find(key(oid));
    if (it == line.first_tag->end()) return std::nullopt;
    return it->second;
}

std::string RangeFinder::main_version(const std::string& sha) {
    auto oid = git::from_hex(sha);
    if (!oid) return "0";
    if (auto t = first_tag_of(main_, *oid, true)) return release_of(main_.tags[*t]);
    // After the newest release: it ships in the next one.
    for (auto it = main_.tags.rbegin(); it != main_.tags.rend(); ++it)
        if (!it->rc) return next_version(it->version);
    return main_.tags.empty() ? "0" : next_version(release_of(main_.tags.back()));
}

std::string RangeFinder::branch_version(size_t b, const std::string& sha) {
    auto oid = git::from_hex(sha);
    if (!oid) return "0";
    Line& line = stable_[b];
    if (ancestor(*oid, line.fork)) return main_version(sha);
    if (scheme_ == VersionScheme::kTags) {
        if (auto t = first_tag_of(line, *oid, false)) return release_of(line.tags[*t]);
        if (!line.tags.empty()) return next_version(release_of(line.tags.back()));
        // A branch without tags of its own is named as describe names it.
    }
    // describe: the nearest release tag behind the commit, and how many commits since.
    auto described = git::describe_tags(repo_, *oid);
    if (!described) return "0";
    std::string tag = release_tags_.strip_prefix(described->tag);
    return described->distance == 0 ? tag : fmt::format("{}-{}", tag, described->distance);
}

Result<std::string> RangeFinder::reverted_on(const std::string& sha, const std::string& branch) {
    return store::first_revert_on_branch(store_, sha, branch);
}

Result<std::string> RangeFinder::main_commit_of(const std::string& stable_sha) {
    return store::main_commit_of_backport(store_, stable_sha);
}

Result<std::vector<RangeFinder::Backport>> RangeFinder::backports(const std::string& main_sha,
                                                                  const std::string& branch) {
    auto found = store::backports_on_branch(store_, main_sha, branch);
    if (!found) return std::unexpected(found.error());
    std::vector<Backport> out;
    for (auto& b : *found) out.push_back({b.stable_id, b.time, {}});
    for (auto& b : out) {
        auto rev = reverted_on(b.sha, branch);
        if (!rev) return std::unexpected(rev.error());
        b.reverted_by = *rev;
    }
    return out;
}

std::string short_id(const std::string& sha) {
    return sha.substr(0, 12);
}

Result<bool> RangeFinder::on_main(const std::string& sha) {
    auto stored = store::is_main_commit(store_, sha);
    if (!stored) return std::unexpected(stored.error());
    return *stored || ancestor(sha, main_.tip);
}

Result<AffectedRanges> RangeFinder::run(const std::vector<std::string>& fix_specs,
                                        const RangesOptions& options) {
    std::vector<std::string> given;
    for (auto& spec : fix_specs) {
        auto fix = resolve(spec, "fix");
        if (!fix) return std::unexpected(fix.error());
        if (std::ranges::find(given, *fix) == given.end()) given.push_back(*fix);
    }
    if (given.empty()) return fail(ErrorCode::kInvalidInput, "no fix commit given");
    if (auto st = load_branches(); !st) return std::unexpected(st.error());
    // Every fix counts: main-branch fixes on the main line and, through their backports, on
    // the stable lines; a backport listed for the CVE stands for its main commit; a fix made on
    // one stable branch alone fixes that branch.
    std::vector<std::string> main_fixes, stable_fixes;
    for (auto& fix : given) {
        auto main = on_main(fix);
        if (!main) return std::unexpected(main.error());
        if (*main) {
            if (std::ranges::find(main_fixes, fix) == main_fixes.end()) main_fixes.push_back(fix);
            continue;
        }
        auto main_sha = main_commit_of(fix);
        if (!main_sha) return std::unexpected(main_sha.error());
        if (!options.listed_fixes)
            return fail(ErrorCode::kNotFound,
                        main_sha->empty()
                            ? fmt::format("commit {} is not on the main branch '{}': give the "
                                          "main-branch fix, not a backport",
                                          short_id(fix), main_.name)
                            : fmt::format("commit {} is not on the main branch '{}': it "
                                          "backports {}; give that",
                                          short_id(fix), main_.name, short_id(*main_sha)));
        if (main_sha->empty())
            stable_fixes.push_back(fix);
        else if (std::ranges::find(main_fixes, *main_sha) == main_fixes.end())
            main_fixes.push_back(*main_sha);
    }
    if (main_fixes.empty())
        return fail(
            ErrorCode::kNotFound,
            fmt::format("none of the fix commits ({}) is on the main branch '{}' or the "
                        "backport of a main-branch commit",
                        fmt::join(given | std::views::transform(short_id), ", "), main_.name));
    // Oldest first: the main line is fixed by the first of them.
    std::ranges::stable_sort(main_fixes, [&](const std::string& a, const std::string& b) {
        return a != b && ancestor(a, *git::from_hex(b));
    });
    const std::string fix = main_fixes.front();
    auto before_a_fix = [&](const git::ObjectId& oid) {
        return std::ranges::any_of(main_fixes, [&](auto& f) {
            return git::to_hex(oid) != f && ancestor(oid, *git::from_hex(f));
        });
    };
    AffectedRanges out;
    out.fix_sha = fix;
    out.fixes = main_fixes;
    out.fixes.insert(out.fixes.end(), stable_fixes.begin(), stable_fixes.end());
    scheme_override_ = options.scheme;

    // Where the bug came in: the commits given, else the fixes' Fixes: targets.
    std::vector<std::string> origins;
    bool listed = options.vulnerable.empty();
    for (auto& v : listed ? options.listed_vulnerable : options.vulnerable) {
        auto sha = resolve(v, "vulnerable commit");
        if (!sha && listed) continue;
        if (!sha) return std::unexpected(sha.error());
        if (!before_a_fix(*git::from_hex(*sha))) {
            // A stable commit that backports the culprit: the bug came in with its main commit.
            auto main_sha = main_commit_of(*sha);
            if (!main_sha) return std::unexpected(main_sha.error());
            if (!main_sha->empty()) *sha = *main_sha;
        }
        if (!before_a_fix(*git::from_hex(*sha))) {
            if (listed) continue;  // an imported list may name another line's culprit
            return fail(ErrorCode::kInvalidInput,
                        fmt::format("vulnerable commit {} is not an ancestor of the fix {}",
                                    short_id(*sha), short_id(fix)));
        }
        if (std::ranges::find(origins, *sha) == origins.end()) origins.push_back(*sha);
    }
    if (origins.empty()) {
        for (auto& f : main_fixes) {
            auto targets = store::fixes_tags_of(store_, f);
            if (!targets) return std::unexpected(targets.error());
            for (auto& target : *targets) {
                auto oid = repo_.resolve_commit(target);
                if (!oid) continue;
                std::string sha = git::to_hex(*oid);
                if (before_a_fix(*oid) && std::ranges::find(origins, sha) == origins.end())
                    origins.push_back(sha);
            }
        }
    }
    // Oldest first: the earliest origin a line holds is where its bug came in.
    std::ranges::sort(origins, [&](const std::string& a, const std::string& b) {
        return ancestor(a, *git::from_hex(b)) && a != b;
    });
    out.vulnerable = origins;
    if (auto st = load_tags(); !st) return std::unexpected(st.error());
    out.scheme = scheme_;

    for (auto& f : main_fixes) {
        auto paths = store::paths_changed_by(store_, f);
        if (!paths) return std::unexpected(paths.error());
        for (auto& path : *paths)
            if (std::ranges::find(out.files, path) == out.files.end()) out.files.push_back(path);
    }

    LineRange main_line{main_.name, true, "", "", main_version(fix), fix, ""};
    if (!origins.empty()) {
        main_line.vulnerable_sha = origins.front();
        main_line.vulnerable_version = main_version(origins.front());
        // A bug fixed before the release that would have shipped it (glibc's CVE-2023-5156:
        // only the stable branches that took the culprit early released it).
        if (main_line.vulnerable_version == main_line.fixed_version)
            main_line.note = fmt::format("came in and was fixed before {}: no release had it",
                                         main_line.fixed_version);
    }
    out.lines.push_back(main_line);

    for (size_t b = 0; b < stable_.size(); ++b) {
        Line& s = stable_[b];
        LineRange line{s.name, false, "", "", "", "", ""};
        // The bug: inherited from main at the fork, or brought in by a backport.
        bool has_bug = false;
        for (auto& o : origins) {
            if (ancestor(o, s.fork)) {
                line.vulnerable_sha = o;
                line.vulnerable_version = main_version(o);
                has_bug = true;
                break;
            }
            auto ports = backports(o, s.name);
            if (!ports) return std::unexpected(ports.error());
            if (!ports->empty()) {
                line.vulnerable_sha = ports->front().sha;
                line.vulnerable_version = branch_version(b, ports->front().sha);
                has_bug = true;
                break;
            }
        }
        if (std::ranges::any_of(main_fixes, [&](auto& f) { return ancestor(f, s.fork); })) {
            out.not_affected.push_back(
                {s.name, false, "", "", "", "", "forked from the main branch after the fix"});
            continue;
        }
        // The first fix the branch got: a backport of any main fix not reverted, or a fix of
        // its own listed for the CVE.
        std::optional<Backport> effective;
        bool own_fix = false;
        std::vector<std::string> reverted;
        for (auto& f : main_fixes) {
            auto ports = backports(f, s.name);
            if (!ports) return std::unexpected(ports.error());
            for (auto& p : *ports) {
                if (!p.reverted_by.empty()) {
                    reverted.push_back(fmt::format("backport {} reverted by {}", short_id(p.sha),
                                                   short_id(p.reverted_by)));
                } else if (!effective || p.time < effective->time) {
                    effective = p;
                }
            }
        }
        for (auto& f : stable_fixes) {
            auto oid = git::from_hex(f);
            if (!oid || !s.own.contains(key(*oid))) continue;
            auto time = git::commit_time(repo_, *oid);
            int64_t when = time ? *time : 0;
            if (!effective || when < effective->time) {
                effective = Backport{f, when, {}};
                own_fix = true;
            }
        }
        if (effective) {
            line.fixed_sha = effective->sha;
            line.fixed_version = branch_version(b, effective->sha);
        }
        std::string why = fmt::format("{}", fmt::join(reverted, "; "));
        if (!origins.empty() && !has_bug) {
            line.note = effective ? "the fix was backported but the bug never came in"
                                  : "the bug never came in";
            out.not_affected.push_back(line);
            continue;
        }
        if (origins.empty() && !effective) {
            line.note = why.empty() ? "not fixed here; where the bug came in is unknown" : why;
            out.not_affected.push_back(line);
            continue;
        }
        if (!effective)
            line.note = why.empty() ? "fix never backported" : why;
        else if (!why.empty())
            line.note = why + "; fixed again by " + short_id(effective->sha);
        if (own_fix)
            line.note =
                (line.note.empty() ? "" : line.note + "; ") +
                fmt::format("fixed by {}, a fix of this branch's own", short_id(line.fixed_sha));
        out.lines.push_back(line);
    }
    if (std::ranges::any_of(out.lines, [](auto& l) { return l.vulnerable_sha.empty(); }))
        out.root_sha = first_parent_root();
    return out;
}

std::string RangeFinder::first_parent_root() {
    git::ObjectId last{};
    bool any = false;
    // As far as the line can be walked: a damaged history ends at the last commit read.
    (void)git::visit_commits(repo_, {{main_.tip}, {}, true}, [&](const git::ObjectId& oid) {
        last = oid;
        any = true;
    });
    return any ? git::to_hex(last) : std::string();
}

}  // namespace

Result<std::vector<std::string>> fixes_of(Store& store, const std::string& cve_id) {
    auto status = store::cve_status_of(store, cve_id);
    if (!status) return std::unexpected(status.error());
    if (*status == "rejected")
        return fail(ErrorCode::kInvalidInput, fmt::format("{} was rejected", cve_id));
    auto listed = store::fixes_listed_with_origin(store, cve_id);
    if (!listed) return std::unexpected(listed.error());
    std::vector<std::string> fixes;
    bool from_main = false;  // a main commit, or the backport of one (glibc's advisories may
                             // list only stable fixes when no main release had the bug)
    for (auto& fix : *listed) {
        fixes.push_back(fix.id);
        from_main = from_main || fix.from_main;
    }
    if (fixes.empty())
        return fail(ErrorCode::kNotFound,
                    fmt::format("{} is not in the store: import the CVE lists first ('stablepick "
                                "import vulns|cve-list|advisories')",
                                cve_id));
    if (!from_main) {
        std::vector<std::string> shown;
        for (auto& f : fixes) shown.push_back(f.substr(0, 12));
        return fail(
            ErrorCode::kNotFound,
            fmt::format("none of {}'s fix commits ({}) is a main-branch commit in the store "
                        "or the backport of one",
                        cve_id, fmt::join(shown, ", ")));
    }
    return fixes;
}

Result<std::vector<std::string>> listed_vulnerable_of(Store& store, const std::string& cve_id) {
    return store::vulnerable_listed_for(store, cve_id);
}

std::vector<LineRange> dyad_order(std::vector<LineRange> lines) {
    auto key = [](const LineRange& l) {
        bool fixed = !l.fixed_sha.empty();
        return std::pair{!fixed, numbers_of_all(fixed ? l.fixed_version : l.vulnerable_version)};
    };
    std::ranges::stable_sort(
        lines, [&](const LineRange& a, const LineRange& b) { return key(a) < key(b); });
    return lines;
}

std::string dyad_line(const LineRange& line) {
    auto part = [](const std::string& s) { return s.empty() ? std::string("0") : s; };
    return fmt::format("{}:{}:{}:{}", part(line.vulnerable_version), part(line.vulnerable_sha),
                       part(line.fixed_version), part(line.fixed_sha));
}

Result<AffectedRanges> affected_ranges(git::Repository& repo, Store& store, const Config& config,
                                       const std::vector<std::string>& fixes,
                                       const RangesOptions& options) {
    RangeFinder finder(repo, store, config);
    return finder.run(fixes, options);
}

}  // namespace stablepick::cve
