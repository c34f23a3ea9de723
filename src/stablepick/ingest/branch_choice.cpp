#include "stablepick/ingest/branch_choice.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <memory>

#include "stablepick/git/branch_history.hpp"

namespace stablepick::git {
namespace {

constexpr int kSample = 50;  // commits of each branch whose messages are read

// The name with its numbers set aside: "xy-1-58" -> "xy-N-N". Branches of one shape are one
// family: a project names its stable branches alike.
std::string shape_of(const std::string& name) {
    std::string out;
    bool digit = false;
    for (char c : name) {
        bool d = c >= '0' && c <= '9';
        if (d && !digit) out += 'N';
        if (!d) out += c;
        digit = d;
    }
    return out;
}

std::string quoted(const std::vector<std::string>& names) {
    std::vector<std::string> q;
    for (auto& n : names) q.push_back(fmt::format("'{}'", n));
    return fmt::format("{}", fmt::join(q, ", "));
}

std::string evidence_text(const BranchVerdict& v) {
    if (v.own_commits == 0) return "no commits of its own";
    if (v.own_commits == 1)
        return fmt::format("its one commit is {}a backport of a main commit",
                           v.backports ? "" : "not ");
    std::string of = v.sampled == v.own_commits
                         ? fmt::format("of its {} commits", v.own_commits)
                         : fmt::format("of {} sampled of its {} commits", v.sampled, v.own_commits);
    if (v.backports == 0) return fmt::format("none {} is a backport of a main commit", of);
    return fmt::format(
        "{} {} {}", v.backports, of,
        v.backports == 1 ? "is a backport of a main commit" : "are backports of main commits");
}

// Enough backports to call a branch's history a stable branch's: a fifth of its sampled
// commits, and two at least. systemd's and glibc's stable branches have 18 % to 98 %; a
// development branch has none, or a few cherry-picks among its own work.
bool strong_evidence(const BranchVerdict& v) {
    return v.backports >= 2 && v.backports * 5 >= v.sampled;
}

struct MainChoice {
    Branch branch;
    std::string reason;
    std::optional<std::string> warning;
};

Result<MainChoice> choose_main(const Repository& repo, const std::vector<Branch>& branches,
                               const Config& config, const std::optional<std::string>& wanted) {
    auto find = [&](const std::string& name) -> const Branch* {
        auto it = std::ranges::find(branches, name, &Branch::name);
        return it == branches.end() ? nullptr : &*it;
    };
    std::string where = repo.git_dir().string();
    if (wanted) {
        const Branch* b = find(*wanted);
        if (!b)
            return fail(ErrorCode::kNotFound,
                        fmt::format("no branch '{}' in '{}' (--main)", *wanted, where));
        return MainChoice{*b, "named by --main", std::nullopt};
    }
    const auto& names = config.branches.main_names;
    if (config.branches.main_from_config) {
        for (auto& name : names)
            if (const Branch* b = find(name))
                return MainChoice{*b, "the first of [branches] main that exists", std::nullopt};
        return fail(ErrorCode::kNotFound,
                    fmt::format("no main branch in '{}': none of [branches] main ({}) exists; "
                                "name it with --main",
                                where, fmt::join(names, ", ")));
    }
    std::vector<const Branch*> found;
    for (auto& name : names)
        if (const Branch* b = find(name)) found.push_back(b);
    if (found.empty())
        return fail(ErrorCode::kNotFound,
                    fmt::format("no main branch in '{}': none of {} exists; name it with --main "
                                "or [branches] main",
                                where, fmt::join(names, ", ")));
    if (found.size() == 1)
        return MainChoice{*found[0],
                          fmt::format("the only one of {} that exists", fmt::join(names, ", ")),
                          std::nullopt};
    // The main branch is where the others' work ends up: the one that contains them.
    for (auto* c : found) {
        std::vector<std::string> others;
        bool all = true;
        for (auto* o : found) {
            if (o == c) continue;
            auto anc = repo.is_ancestor(o->tip, c->tip);
            if (!anc) return std::unexpected(anc.error());
            all = all && *anc;
            others.push_back(o->name);
        }
        if (all) return MainChoice{*c, fmt::format("contains {}", quoted(others)), std::nullopt};
    }
    const Branch* newest = nullptr;
    int64_t newest_time = INT64_MIN;
    std::vector<std::string> all_names;
    for (auto* c : found) {
        all_names.push_back(c->name);
        auto t = commit_time(repo, c->tip);
        if (!t) return std::unexpected(t.error());
        if (*t > newest_time) newest = c, newest_time = *t;
    }
    std::string why = fmt::format("{} have diverged; it has the newest commit", quoted(all_names));
    return MainChoice{*newest, why,
                      fmt::format("the main branch is '{}': {}; name the main branch with --main "
                                  "or [branches] main",
                                  newest->name, why)};
}

}  // namespace

std::string name_pattern_like(const std::string& name) {
    std::string out;
    bool digit = false;
    for (char c : name) {
        bool d = c >= '0' && c <= '9';
        if (d && !digit) out += "\\d+";
        if (!d) {
            if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) out += '\\';
            out += c;
        }
        digit = d;
    }
    return out;
}

Result<BranchSet> find_branches(const Repository& repo, const Config& config,
                                const BranchChoiceOptions& options) {
    auto branches = repo.branches();
    if (!branches) return std::unexpected(branches.error());
    auto main = choose_main(repo, *branches, config, options.main);
    if (!main) return std::unexpected(main.error());
    BranchSet set;
    set.main = main->branch;
    set.main_reason = main->reason;
    if (main->warning) set.warnings.push_back(*main->warning);
    const std::string& main_name = set.main.name;
    std::string where = repo.git_dir().string();

    std::vector<std::pair<std::string, std::unique_ptr<RE2>>> patterns;
    for (auto& p : config.branches.stable_patterns) {
        auto re = std::make_unique<RE2>(p);
        if (!re->ok())
            return fail(ErrorCode::kInvalidInput,
                        fmt::format("bad stable branch pattern '{}': {}", p, re->error()));
        patterns.emplace_back(p, std::move(re));
    }
    auto matching = [&](const std::string& name) -> const std::string* {
        for (auto& [p, re] : patterns)
            if (RE2::FullMatch(name, *re)) return &p;
        return nullptr;
    };
    for (auto& name : options.only) {
        if (std::ranges::find(*branches, name, &Branch::name) == branches->end())
            return fail(ErrorCode::kNotFound,
                        fmt::format("no branch '{}' in '{}' (--branch)", name, where));
        if (name == main_name)
            return fail(
                ErrorCode::kInvalidInput,
                fmt::format("'{}' is the main branch, not a stable branch (--branch)", name));
    }

    auto main_history = MainHistory::read(repo, set.main);
    if (!main_history) return std::unexpected(main_history.error());
    auto tags = TagIndex::read(repo);
    if (!tags) return std::unexpected(tags.error());
    std::vector<const Branch*> others;
    for (auto& b : *branches)
        if (b.name != main_name) others.push_back(&b);
    std::vector<BranchVerdict> verdicts(others.size());
    std::vector<std::vector<std::string>> branch_tags(others.size());
    auto read = [&](size_t i) -> Result<bool> {
        auto h = read_branch_history(repo, *main_history, *tags, *others[i], kSample);
        if (!h) return std::unexpected(h.error());
        auto& v = verdicts[i];
        v.own_commits = h->own_commits;
        v.sampled = h->sampled;
        v.backports = h->backports;
        for (auto& t : h->tags) v.version_tags += parse_version_tag(t) ? 1 : 0;
        branch_tags[i] = std::move(h->tags);
        return h->shares_history;
    };
    for (size_t i = 0; i < others.size(); ++i) verdicts[i].name = others[i]->name;

    if (!options.only.empty() || config.branches.stable_from_config) {
        // Named by the user: exactly those, whatever their history says.
        bool asked_by_flag = !options.only.empty();
        set.how = asked_by_flag ? "--branch" : "[branches] stable";
        for (size_t i = 0; i < others.size(); ++i) {
            auto& v = verdicts[i];
            const std::string* pattern = asked_by_flag ? nullptr : matching(v.name);
            bool asked = asked_by_flag
                             ? std::ranges::find(options.only, v.name) != options.only.end()
                             : pattern != nullptr;
            if (!asked) {
                v.why = BranchWhy::kNotAsked;
                v.reason = asked_by_flag ? "not named by --branch"
                                         : "matched by no [branches] stable pattern";
                continue;
            }
            auto shares = read(i);
            if (!shares) return std::unexpected(shares.error());
            if (!*shares && asked_by_flag)
                return fail(ErrorCode::kInvalidInput,
                            fmt::format("'{}' shares no history with the main branch '{}'", v.name,
                                        main_name));
            v.stable = true;
            v.why = BranchWhy::kAsked;
            v.reason = fmt::format(
                "{}; {}",
                asked_by_flag ? std::string("named by --branch")
                              : fmt::format("matches [branches] stable '{}'", *pattern),
                *shares ? evidence_text(v) : fmt::format("shares no history with '{}'", main_name));
        }
        if (!asked_by_flag && std::ranges::none_of(verdicts, &BranchVerdict::stable))
            set.warnings.push_back(
                fmt::format("no stable branch in '{}': [branches] stable ({}) matches no branch",
                            where, quoted(config.branches.stable_patterns)));
    } else {
        set.how = "by name and history";
        std::map<std::string, int> named_families;
        for (size_t i = 0; i < others.size(); ++i) {
            auto& v = verdicts[i];
            auto shares = read(i);
            if (!shares) return std::unexpected(shares.error());
            const std::string* pattern = matching(v.name);
            if (!*shares) {
                v.why = BranchWhy::kNoSharedHistory;
                v.reason = fmt::format("shares no history with '{}'", main_name);
            } else if (pattern) {
                v.stable = true;
                v.why = BranchWhy::kNamed;
                v.reason = fmt::format("name matches '{}'; {}", *pattern, evidence_text(v));
                ++named_families[shape_of(v.name)];
            } else if (v.own_commits == 0) {
                v.why = BranchWhy::kNoOwnCommits;
                v.reason = fmt::format("no commits of its own: its tip is on '{}'", main_name);
            } else if (strong_evidence(v)) {
                v.why = BranchWhy::kOtherFamily;  // until its family is chosen below
                v.reason = evidence_text(v);
            } else {
                v.why = BranchWhy::kFewBackports;
                v.reason = v.backports == 0
                               ? fmt::format("{}: development work", evidence_text(v))
                               : fmt::format("only {} (a stable branch has at least 1 in 5)",
                                             evidence_text(v));
            }
        }
        // The families of branches with backports: the largest is the project's stable
        // branches, if it is larger than every family the name patterns found (DPDK's
        // 24.11-staging copies are fewer than its 24.11 branches). Ties go to the family more
        // of whose branches carry version tags, then to the shorter name.
        struct Family {
            int size = 0, tagged = 0;
        };
        std::map<std::string, Family> families;
        for (auto& v : verdicts)
            if (v.why == BranchWhy::kOtherFamily) {
                auto& f = families[shape_of(v.name)];
                ++f.size;
                f.tagged += v.version_tags > 0 ? 1 : 0;
            }
        int named_max = 0;
        for (auto& [shape, n] : named_families) named_max = std::max(named_max, n);
        std::optional<std::string> chosen;
        for (auto& [shape, f] : families) {
            if (f.size <= named_max) continue;
            if (!chosen) {
                chosen = shape;
                continue;
            }
            auto& c = families[*chosen];
            auto key = [](const std::string& s, const Family& x) {
                return std::tuple(x.size, x.tagged, -static_cast<int64_t>(s.size()));
            };
            if (key(shape, f) > key(*chosen, c)) chosen = shape;
        }
        std::vector<std::string> stable_names;
        for (auto& v : verdicts) {
            bool in_family = chosen && shape_of(v.name) == *chosen;
            if (v.why == BranchWhy::kOtherFamily && in_family) {
                v.stable = true;
                v.why = BranchWhy::kBackports;
            } else if (in_family && (v.why == BranchWhy::kNoOwnCommits ||
                                     (v.why == BranchWhy::kFewBackports && v.backports > 0))) {
                v.stable = true;
                v.why = BranchWhy::kFamily;
                v.reason = fmt::format("named like the stable branches; {}", evidence_text(v));
            }
            if (v.stable) stable_names.push_back(v.name);
        }
        for (auto& v : verdicts)
            if (v.why == BranchWhy::kOtherFamily)
                v.reason = fmt::format(
                    "{}, but it is named unlike the stable branches ({}{}): [branches] stable "
                    "takes it if it is one",
                    v.reason, stable_names.empty() ? "none found" : stable_names.front(),
                    stable_names.size() > 1 ? ", …" : "");
        if (stable_names.empty()) {
            // The example: the branch that looks most like one, else any branch with commits.
            const BranchVerdict* like = nullptr;
            for (auto& v : verdicts)
                if (v.own_commits > 0 &&
                    (!like || std::pair(v.backports, v.own_commits) >
                                  std::pair(like->backports, like->own_commits)))
                    like = &v;
            std::string example = like ? name_pattern_like(like->name) : R"(release-\d+\.\d+)";
            set.warnings.push_back(fmt::format(
                "no stable branch found in '{}': no branch name matches the stable branch "
                "patterns, and no other branch ({} in all) forks from '{}' with backport "
                "markers in a fifth of its commits; if the project has stable branches, name "
                "them in the config: [branches] stable = ['{}']",
                where, others.size(), main_name, example));
        }
    }

    std::vector<std::string> stable_tags, main_tags;
    for (size_t i = 0; i < others.size(); ++i)
        if (verdicts[i].stable) {
            set.stable.push_back(*others[i]);
            for (auto& t : branch_tags[i]) stable_tags.push_back(t);
        }
    for (auto& t : tags->all())
        if (main_history->contains(t.commit)) main_tags.push_back(t.name);
    auto release = ReleaseTags::choose(config.cve.tag_prefix, stable_tags, main_tags);
    if (!release) return std::unexpected(release.error());
    set.release_tags = std::move(*release);
    if (!set.release_tags.found() && stable_tags.size() + main_tags.size() > 0)
        set.warnings.push_back(fmt::format(
            "no release tags found in '{}': none of the {} tags on the main and stable branches "
            "ends in a version; name their prefix in the config: [cve] tag_prefix = 'v'",
            where, stable_tags.size() + main_tags.size()));
    set.verdicts = std::move(verdicts);
    return set;
}

}  // namespace stablepick::git
