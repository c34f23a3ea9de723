#include "stablepick/vote/features.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace stablepick {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool contains_any(const std::string& text, std::initializer_list<std::string_view> words) {
    for (auto w : words)
        if (text.find(w) != std::string::npos) return true;
    return false;
}

// Each group is one feature: whether the message uses any of its words.
struct WordGroup {
    const char* name;
    std::initializer_list<std::string_view> words;
};
const std::array<WordGroup, 14> kWordGroups{{
    {"words_fix", {"fix", "correct", "repair"}},
    {"words_leak", {"leak"}},
    {"words_overflow",
     {"overflow", "underflow", "out-of-bounds", "out of bounds", "oob ", "buffer overrun"}},
    {"words_null", {"null", "nullptr", "null pointer"}},
    {"words_use_after_free",
     {"use-after-free", "use after free", "uaf", "double free", "double-free"}},
    {"words_deadlock", {"deadlock", "lockup", "hang", "stall", "livelock"}},
    {"words_race", {"race", "racy"}},
    {"words_crash", {"crash", "oops", "panic", "segfault", "bug:", "assert", "abort"}},
    {"words_regression", {"regression", "regress", "broke", "breaks", "broken"}},
    {"words_warning",
     {"warn", "splat", "lockdep", "kasan", "ubsan", "syzbot", "syzkaller", "fuzz"}},
    {"words_security", {"security", "cve", "vulnerab", "exploit", "privilege"}},
    {"words_corruption", {"corrupt", "data loss", "uninitiali", "wrong", "incorrect", "invalid"}},
    {"words_cleanup",
     {"cleanup", "clean up", "refactor", "rename", "typo", "whitespace", "simplif",
      "coding style"}},
    {"words_feature",
     {"add support", "introduce", "new feature", "implement", "add new", "enable "}},
}};

bool is_test_path(std::string_view p) {
    return p.find("test") != std::string_view::npos || p.find("selftest") != std::string_view::npos;
}
bool is_doc_path(std::string_view p) {
    return p.starts_with("Documentation/") || p.starts_with("doc/") || p.starts_with("docs/") ||
           p.starts_with("man/") || p.ends_with(".md") || p.ends_with(".rst") ||
           p.ends_with(".txt") || p.find("/doc/") != std::string_view::npos ||
           p.find("/docs/") != std::string_view::npos || p.starts_with("NEWS") ||
           p.starts_with("README");
}

float log1p_f(double x) {
    return static_cast<float>(std::log1p(std::max(0.0, x)));
}

}  // namespace

int fix_word_count(const CommitFacts& facts) {
    std::string text = lower(facts.subject + "\n" + facts.message);
    int n = 0;
    for (size_t g = 0; g + 2 < kWordGroups.size(); ++g)
        n += contains_any(text, kWordGroups[g].words);
    return n;
}

bool only_tests(const CommitFacts& facts) {
    return !facts.files.empty() &&
           std::ranges::all_of(facts.files, [](auto& f) { return is_test_path(f.path); });
}

bool only_documentation(const CommitFacts& facts) {
    return !facts.files.empty() &&
           std::ranges::all_of(facts.files, [](auto& f) { return is_doc_path(f.path); });
}

std::vector<std::string> feature_names(int embedding_dimension) {
    std::vector<std::string> names{
        "fixes_tags",
        "fixes_unresolved",
        "fixes_target_in_stable",
        "fixes_target_backported",
        "fixes_target_age",
        "cc_stable",
        "cc_noautosel",
        "reported_by",
        "links",
        "other_tags",
        "signed_off_by",
        "files",
        "lines_added",
        "lines_removed",
        "hunks",
        "is_revert",
        "only_tests",
        "only_documentation",
        "subject_fix",
        "message_length",
        "review_delay",
        "file_rate_max",
        "file_rate_mean",
        "file_commits",
        "file_backports",
        "dir_rate_max",
        "dir_rate_mean",
        "dir_commits",
        "author_rate",
        "author_commits",
        "global_rate",
        "knn_vote",
        "knn_share",
        "knn_best_similarity",
        "knn_best_backported_similarity",
        "knn_precedents",
    };
    for (auto& g : kWordGroups) names.emplace_back(g.name);
    for (int d = 0; d < embedding_dimension; ++d) names.push_back(fmt::format("embedding_{}", d));
    return names;
}

std::vector<float> commit_features(const CommitFacts& facts, const Evidence& evidence,
                                   std::span<const float> embedding) {
    int fixes = 0, cc = 0, noautosel = 0, reported = 0, links = 0, other = 0, sob = 0;
    for (auto& t : facts.trailers) {
        switch (t.kind) {
            case Trailer::Kind::kFixes:
                ++fixes;
                break;
            case Trailer::Kind::kCcStable:
                ++cc;
                break;
            case Trailer::Kind::kCcNoAutosel:
                ++noautosel;
                break;
            case Trailer::Kind::kReportedBy:
                ++reported;
                break;
            case Trailer::Kind::kLink:
            case Trailer::Kind::kCloses:
            case Trailer::Kind::kFixesIssue:
                ++links;
                break;
            case Trailer::Kind::kSignedOffBy:
                ++sob;
                break;
            case Trailer::Kind::kOther:
                ++other;
                break;
        }
    }
    int added = 0, removed = 0;
    for (auto& f : facts.files) added += f.added, removed += f.removed;
    std::string subject = lower(facts.subject), text = lower(facts.subject + "\n" + facts.message);
    const HistoryStats& h = evidence.history;
    auto knn = precedent_vote(evidence.precedents);
    double share = 0, best = 0, best_yes = 0;
    for (auto& p : evidence.precedents) {
        share += p.positive;
        best = std::max(best, double(p.similarity));
        if (p.positive) best_yes = std::max(best_yes, double(p.similarity));
    }
    if (!evidence.precedents.empty()) share /= evidence.precedents.size();
    std::vector<float> x{
        float(fixes),
        float(facts.fixes_unresolved),
        float(evidence.fixes_in_stable),
        float(evidence.fixes_backported),
        evidence.fixes_age_days < 0 ? -1.0f : log1p_f(evidence.fixes_age_days),
        float(cc),
        float(noautosel),
        float(reported),
        float(links),
        float(other),
        float(sob),
        float(facts.files.size()),
        log1p_f(added),
        log1p_f(removed),
        float(facts.hunks),
        float(facts.is_revert),
        float(only_tests(facts)),
        float(only_documentation(facts)),
        float(contains_any(subject, {"fix", "revert", "correct", "avoid", "prevent"})),
        log1p_f(facts.message.size()),
        log1p_f((facts.time - facts.author_time) / 86400.0),
        float(h.file_rate_max),
        float(h.file_rate_mean),
        log1p_f(h.file_commits),
        log1p_f(h.file_backports),
        float(h.dir_rate_max),
        float(h.dir_rate_mean),
        log1p_f(h.dir_commits),
        float(h.author_rate),
        log1p_f(h.author_commits),
        float(h.global_rate),
        knn ? float(*knn) : -1.0f,
        float(share),
        float(best),
        float(best_yes),
        float(evidence.precedents.size()),
    };
    for (auto& g : kWordGroups) x.push_back(float(contains_any(text, g.words)));
    x.insert(x.end(), embedding.begin(), embedding.end());
    return x;
}

std::string describe_feature(const std::string& name, float value, bool raises, Label label) {
    auto pct = [](float v) { return fmt::format("{:.0f} %", 100 * v); };
    bool cve = label == Label::kCve;
    // "backported", or for the CVE classifier "fixed a CVE"
    const char* were = cve ? "fixed CVEs" : "were backported";
    const char* often = raises ? "often" : "rarely";
    if (name == "fixes_tags") return value > 0 ? "has a Fixes: tag" : "no Fixes: tag";
    if (name == "fixes_target_in_stable")
        return value > 0 ? "Fixes: a commit already in stable releases"
                         : "the commit it fixes is not in any stable release";
    if (name == "fixes_target_backported")
        return value > 0 ? (cve ? "fixes a commit that itself fixed a CVE"
                                : "fixes a commit that was itself backported")
                         : "";
    if (name == "fixes_target_age")
        return value < 0 ? ""
                         : fmt::format("the bug it fixes is {:.0f} days old", std::expm1(value));
    if (name == "cc_stable") return value > 0 ? "tagged Cc: stable" : "no Cc: stable tag";
    if (name == "cc_noautosel")
        return value > 0 ? "the author opted out of automatic selection" : "";
    if (name == "reported_by") return value > 0 ? "has a Reported-by: tag" : "";
    if (name == "is_revert") return value > 0 ? "is a revert" : "";
    if (name == "only_tests") return value > 0 ? "touches only tests" : "";
    if (name == "only_documentation") return value > 0 ? "touches only documentation" : "";
    if (name == "lines_added" || name == "lines_removed" || name == "files" || name == "hunks")
        return raises ? "a small, contained change" : "a large change";
    if (name == "file_rate_max" || name == "file_rate_mean")
        return cve ? fmt::format("touches files whose changes {} fixed CVEs ({})", often,
                                 pct(value))
                   : fmt::format("touches files {} backported ({})", often, pct(value));
    if (name == "dir_rate_max" || name == "dir_rate_mean")
        return cve ? fmt::format("in a directory whose changes {} fixed CVEs ({})", often,
                                 pct(value))
                   : fmt::format("in a directory whose changes are {} backported ({})", often,
                                 pct(value));
    if (name == "author_rate")
        return cve ? fmt::format("its author's commits {} fixed CVEs ({})", often, pct(value))
                   : fmt::format("its author's commits are {} backported ({})", often, pct(value));
    if (name == "knn_vote" || name == "knn_share")
        return value < 0
                   ? ""
                   : fmt::format("{} of the most similar earlier commits {}", pct(value), were);
    if (name == "knn_best_backported_similarity")
        return value > 0 ? fmt::format("a very similar earlier commit {} (similarity {:.2f})",
                                       cve ? "fixed a CVE" : "was backported", value)
                         : "";
    if (name == "subject_fix")
        return value > 0 ? "the subject says it fixes something" : "the subject does not say fix";
    if (name.starts_with("words_") && value > 0) {
        std::string what = name.substr(6);
        std::ranges::replace(what, '_', ' ');
        return fmt::format("the message speaks of {}", what == "fix" ? "fixing" : what);
    }
    if (name.starts_with("embedding_"))
        return cve ? (raises ? "reads like commits that fixed CVEs"
                             : "reads like commits that fixed no CVE")
                   : (raises ? "reads like commits that were backported"
                             : "reads like commits that were not backported");
    return "";
}

}  // namespace stablepick
