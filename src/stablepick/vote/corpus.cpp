#include "stablepick/vote/corpus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

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

template <typename F>
Status each_row(Store& store, const char* sql, F&& f) {
    auto q = store.db().prepare(sql);
    if (!q) return std::unexpected(Store::error(q.error(), "read the history"));
    while (true) {
        auto r = q->step();
        if (!r) return std::unexpected(Store::error(r.error(), "read the history"));
        if (!*r) return {};
        f(*q);
    }
}

}  // namespace

Result<Corpus> Corpus::load(Store& store, const CorpusOptions& options) {
    std::optional<TagStrip> strip;
    if (!options.strip_tag.empty()) {
        auto compiled = TagStrip::compile(options.strip_tag);
        if (!compiled) return std::unexpected(compiled.error());
        strip = std::move(*compiled);
    }
    Corpus c;
    auto st = each_row(
        store,
        R"(SELECT c.id, c.sha, c.commit_time, c.author_time, c.author_email, c.subject, c.body,
            c.is_revert FROM commits c WHERE c.parent_count <= 1
            AND EXISTS(SELECT 1 FROM branch_commits bc JOIN branches b ON b.id = bc.branch_id
                       WHERE bc.commit_id = c.id AND b.kind = 'main') ORDER BY c.commit_time, c.id)",
        [&](util::Statement& q) {
            CommitFacts f;
            f.row = q.int64(0);
            f.id = q.text(1);
            f.time = q.int64(2);
            f.author_time = q.int64(3);
            f.author_email = q.text(4);
            f.subject = strip ? strip->strip_words(q.text(5)) : q.text(5);
            f.message = message_of(q.text(6), strip ? &*strip : nullptr);
            f.is_revert = q.int64(7) != 0;
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
    st = each_row(store,
                  "SELECT commit_id, key, value, comment, kind, ref_id, ref_subject FROM trailers "
                  "ORDER BY commit_id, seq",
                  [&](util::Statement& q) {
                      CommitFacts* f = at(q.int64(0));
                      if (!f) return;
                      Trailer t;
                      t.key = q.text(1);
                      t.value = q.text(2);
                      t.comment = q.text(3);
                      t.kind = kind_from_name(q.text(4));
                      t.ref_id = q.is_null(5) ? "" : q.text(5);
                      t.ref_subject = q.is_null(6) ? "" : q.text(6);
                      if (t.kind == Trailer::Kind::kCcStable) f->nominated = true;
                      if (strip && strip->hides_trailer(trailer_line(t))) return;
                      f->trailers.push_back(std::move(t));
                  });
    if (!st) return std::unexpected(st.error());
    st =
        each_row(store, "SELECT commit_id, path, added, removed FROM files ORDER BY commit_id, seq",
                 [&](util::Statement& q) {
                     if (CommitFacts* f = at(q.int64(0)))
                         f->files.push_back({q.text(1), static_cast<int>(q.int64(2)),
                                             static_cast<int>(q.int64(3))});
                 });
    if (!st) return std::unexpected(st.error());
    st = each_row(store, "SELECT commit_id, COUNT(*) FROM hunks GROUP BY commit_id",
                  [&](util::Statement& q) {
                      if (CommitFacts* f = at(q.int64(0))) f->hunks = static_cast<int>(q.int64(1));
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

    c.first_backport_.assign(c.commits_.size(), kNever);
    std::unordered_map<std::string, int64_t> branch_start;
    st = each_row(
        store, "SELECT main_sha, branch, MIN(stable_time) FROM backports GROUP BY main_sha, branch",
        [&](util::Statement& q) {
            int64_t t = q.int64(2);
            c.last_label_time_ = std::max(c.last_label_time_, t);
            auto [it, fresh] = branch_start.emplace(q.text(1), t);
            if (!fresh) it->second = std::min(it->second, t);
            auto i = c.index_of_id(q.text(0));
            if (i && c.commits_[*i].id == q.text(0))
                c.first_backport_[*i] = std::min(c.first_backport_[*i], t);
        });
    if (!st) return std::unexpected(st.error());
    for (auto& [branch, start] : branch_start) c.stable_starts_.push_back(start);
    std::ranges::sort(c.stable_starts_);
    c.label_ = options.label;
    if (options.label == Label::kCve) {
        // Fix commits of published CVEs (an id whose status is "rejected" labels nothing).
        std::ranges::fill(c.first_backport_, kNever);
        c.last_label_time_ = 0;
        st = each_row(store,
                      "SELECT DISTINCT x.fix_sha FROM cves x LEFT JOIN cve_status s ON s.cve = "
                      "x.cve WHERE COALESCE(s.status, 'published') <> 'rejected'",
                      [&](util::Statement& q) {
                          auto i = c.index_of_id(q.text(0));
                          if (!i || c.commits_[*i].id != q.text(0)) return;
                          c.first_backport_[*i] = c.commits_[*i].time;
                          c.last_label_time_ = std::max(c.last_label_time_, c.commits_[*i].time);
                      });
        if (!st) return std::unexpected(st.error());
        return c;
    }
    // A maintainer's recorded "take" counts as a backport from the moment it was decided, so
    // the voters learn from decisions before the stable commit exists.
    st = each_row(
        store,
        "SELECT commit_sha, MIN(time) FROM decisions WHERE decision = 'take' GROUP BY commit_sha",
        [&](util::Statement& q) {
            auto i = c.index_of_id(q.text(0));
            if (i && c.commits_[*i].id == q.text(0))
                c.first_backport_[*i] = std::min(c.first_backport_[*i], q.int64(1));
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

std::optional<size_t> Corpus::index_of_row(int64_t row) const {
    auto it = by_row_.find(row);
    if (it == by_row_.end()) return std::nullopt;
    return it->second;
}

std::optional<size_t> Corpus::index_of_id(const std::string& id) const {
    std::string lower = id;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto it = std::ranges::lower_bound(by_id_, std::pair<std::string, size_t>{lower, 0});
    if (it == by_id_.end() || !it->first.starts_with(lower)) return std::nullopt;
    auto next = std::next(it);
    if (next != by_id_.end() && next->first.starts_with(lower)) return std::nullopt;  // ambiguous
    return it->second;
}

int64_t Corpus::newest_stable_start(int64_t when) const {
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
