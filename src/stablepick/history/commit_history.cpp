#include "stablepick/history/commit_history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "stablepick/store/history_reads.hpp"
#include "stablepick/text/tag_strip.hpp"

namespace stablepick {
namespace {

Trailer::Kind kind_from_name(std::string_view name) {
    if (name == "fixes") return Trailer::Kind::kFixes;
    if (name == "fixes-issue") return Trailer::Kind::kFixesIssue;
    if (name == "cc-stable") return Trailer::Kind::kCcStable;
    if (name == "cc-noautosel") return Trailer::Kind::kCcNoAutosel;
    if (name == "signed-off-by") return Trailer::Kind::kSignedOffBy;
    if (name == "reported-by") return Trailer::Kind::kReportedBy;
    if (name == "link") return Trailer::Kind::kLink;
    if (name == "closes") return Trailer::Kind::kCloses;
    return Trailer::Kind::kOther;
}

// "Key: value" as the commit message has it, for --strip-tag.
std::string trailer_line(const Trailer& t) {
    std::string line = t.key + ": " + t.value;
    if (!t.comment.empty()) line += " # " + t.comment;
    return line;
}

// The body without trailer lines or backport markers, and without the tag (--strip-tag).
std::string message_of(std::string_view body, const TagStrip* strip) {
    std::string out;
    size_t pos = 0;
    while (pos <= body.size()) {
        size_t end = body.find('\n', pos);
        if (end == std::string_view::npos) end = body.size();
        std::string_view line = body.substr(pos, end - pos);
        if (!looks_like_trailer(line) && !line.starts_with("(cherry picked from")) {
            out.append(strip ? strip->strip(line) : std::string(line));
            out.push_back('\n');
        }
        pos = end + 1;
    }
    return out;
}

}  // namespace

Result<CommitHistory> CommitHistory::load(Store& store, const HistoryOptions& options) {
    std::optional<TagStrip> strip;
    if (!options.strip_tag.empty()) {
        auto compiled = TagStrip::compile(options.strip_tag);
        if (!compiled) return std::unexpected(compiled.error());
        strip = std::move(*compiled);
    }
    CommitHistory c;
    auto st = store::for_each_main_commit(store, [&](store::MainCommitRow& r) {
        CommitFacts f;
        f.row = r.row;
        f.id = std::move(r.id);
        f.time = r.time;
        f.author_time = r.author_time;
        f.author_email = std::move(r.author_email);
        f.subject = strip ? strip->strip_words(r.subject) : std::move(r.subject);
        f.message = message_of(r.body, strip ? &*strip : nullptr);
        f.is_revert = r.is_revert;
        c.by_row_[f.row] = c.commits_.size();
        c.commits_.push_back(std::move(f));
    });
    if (!st) return std::unexpected(st.error());
    auto at = [&](int64_t row) -> CommitFacts* {
        auto it = c.by_row_.find(row);
        return it == c.by_row_.end() ? nullptr : &c.commits_[it->second];
    };
    c.by_id_.reserve(c.commits_.size());
    for (size_t i = 0; i < c.commits_.size(); ++i) c.by_id_.emplace_back(c.commits_[i].id, i);
    std::ranges::sort(c.by_id_);

    std::vector<std::pair<size_t, std::string>> fixes_refs;
    st = store::for_each_trailer(store, [&](store::TrailerRow& r) {
        CommitFacts* f = at(r.commit_row);
        if (!f) return;
        Trailer t;
        t.key = std::move(r.key);
        t.value = std::move(r.value);
        t.comment = std::move(r.comment);
        t.kind = kind_from_name(r.kind);
        t.ref_id = std::move(r.ref_id);
        t.ref_subject = std::move(r.ref_subject);
        if (t.kind == Trailer::Kind::kCcStable) f->nominated = true;
        if (strip && strip->hides_trailer(trailer_line(t))) return;
        f->trailers.push_back(std::move(t));
    });
    if (!st) return std::unexpected(st.error());
    st = store::for_each_changed_file(store,
                                      [&](int64_t row, std::string path, int added, int removed) {
                                          if (CommitFacts* f = at(row))
                                              f->files.push_back({std::move(path), added, removed});
                                      });
    if (!st) return std::unexpected(st.error());
    st = store::for_each_hunk_count(store, [&](int64_t row, int hunks) {
        if (CommitFacts* f = at(row)) f->hunks = hunks;
    });
    if (!st) return std::unexpected(st.error());
    for (auto& f : c.commits_) {
        for (auto& t : f.trailers) {
            if (t.kind != Trailer::Kind::kFixes) continue;
            auto target = t.ref_id.size() >= 7 ? c.index_of_id(t.ref_id) : std::nullopt;
            if (target && c.commits_[*target].row != f.row)
                f.fixes_targets.push_back(static_cast<int>(*target));
            else
                ++f.fixes_unresolved;
        }
    }

    c.first_positive_.assign(c.commits_.size(), kNever);
    std::unordered_map<std::string, int64_t> branch_start;
    st = store::for_each_first_backport(
        store, [&](const std::string& main_id, const std::string& branch, int64_t t) {
            c.last_label_time_ = std::max(c.last_label_time_, t);
            auto [it, fresh] = branch_start.emplace(branch, t);
            if (!fresh) it->second = std::min(it->second, t);
            auto i = c.index_of_id(main_id);
            if (i && c.commits_[*i].id == main_id)
                c.first_positive_[*i] = std::min(c.first_positive_[*i], t);
        });
    if (!st) return std::unexpected(st.error());
    for (auto& [branch, start] : branch_start) c.stable_starts_.push_back(start);
    std::ranges::sort(c.stable_starts_);
    c.label_ = options.label;
    if (options.label == Label::kCve) {
        // Fix commits of published CVEs (an id whose status is "rejected" labels nothing).
        std::ranges::fill(c.first_positive_, kNever);
        c.last_label_time_ = 0;
        st = store::for_each_cve_fix(store, [&](const std::string& id) {
            auto i = c.index_of_id(id);
            if (!i || c.commits_[*i].id != id) return;
            c.first_positive_[*i] = c.commits_[*i].time;
            c.last_label_time_ = std::max(c.last_label_time_, c.commits_[*i].time);
        });
        if (!st) return std::unexpected(st.error());
        return c;
    }
    // A maintainer's recorded "take" counts as a backport from the moment it was decided, so
    // the voters learn from decisions before the stable commit exists.
    st = store::for_each_first_take(store, [&](const std::string& id, int64_t time) {
        auto i = c.index_of_id(id);
        if (i && c.commits_[*i].id == id)
            c.first_positive_[*i] = std::min(c.first_positive_[*i], time);
    });
    if (!st) return std::unexpected(st.error());
    return c;
}

const char* label_name(Label label) {
    return label == Label::kCve ? "cve" : "backport";
}

std::optional<Label> parse_label(std::string_view name) {
    if (name == "backport") return Label::kBackport;
    if (name == "cve") return Label::kCve;
    return std::nullopt;
}

std::optional<size_t> CommitHistory::index_of_row(int64_t row) const {
    auto it = by_row_.find(row);
    if (it == by_row_.end()) return std::nullopt;
    return it->second;
}

std::optional<size_t> CommitHistory::index_of_id(const std::string& id) const {
    std::string lower = id;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto it = std::ranges::lower_bound(by_id_, std::pair<std::string, size_t>{lower, 0});
    if (it == by_id_.end() || !it->first.starts_with(lower)) return std::nullopt;
    auto next = std::next(it);
    if (next != by_id_.end() && next->first.starts_with(lower)) return std::nullopt;  // ambiguous
    return it->second;
}

int64_t CommitHistory::newest_stable_start(int64_t when) const {
    auto it = std::ranges::lower_bound(stable_starts_, when);
    return it == stable_starts_.begin() ? 0 : *std::prev(it);
}

std::vector<std::string> message_words(const CommitFacts& facts) {
    std::vector<std::string> words;
    std::string word;
    auto flush = [&] {
        if (word.size() >= 3 && word.size() <= 30) words.push_back(word);
        word.clear();
    };
    for (const std::string* text : {&facts.subject, &facts.message}) {
        for (char ch : *text) {
            unsigned char u = static_cast<unsigned char>(ch);
            if (std::isalnum(u) || ch == '_')
                word.push_back(static_cast<char>(std::tolower(u)));
            else
                flush();
        }
        flush();
    }
    return words;
}

}  // namespace stablepick
