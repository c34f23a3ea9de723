#include "stablepick/ingest/replies.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>

#include "stablepick/git/repository.hpp"
#include "stablepick/ingest/mail.hpp"
#include "stablepick/ingest/public_inbox.hpp"
#include "stablepick/util/mail.hpp"
#include "stablepick/util/progress.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick {
namespace {

constexpr size_t kNamed = 3;  // Message-IDs named per reason of a skip
constexpr int kBatch = 1000;  // proposals per transaction: a killed import keeps its progress

std::string lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> out;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view l = text.substr(pos, end - pos);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        out.push_back(l);
        if (end == text.size()) break;
        pos = end + 1;
    }
    return out;
}

// "<a@b>" → "a@b"; what a header holds around it (comments, spaces) is not part of the id.
std::vector<std::string> message_ids_in(std::string_view header) {
    std::vector<std::string> out;
    size_t pos = 0;
    while ((pos = header.find('<', pos)) != std::string_view::npos) {
        size_t end = header.find('>', pos);
        if (end == std::string_view::npos) break;
        std::string id(trim(header.substr(pos + 1, end - pos - 1)));
        if (!id.empty()) out.push_back(std::move(id));
        pos = end + 1;
    }
    if (out.empty() && !trim(header).empty() && trim(header).find(' ') == std::string_view::npos)
        out.emplace_back(trim(header));
    return out;
}

std::string header_param(std::string_view header, std::string_view name) {
    std::string low = lower(header);
    size_t at = low.find(std::string(name) + "=");
    if (at == std::string::npos) return "";
    std::string_view v = header.substr(at + name.size() + 1);
    if (v.starts_with('"')) {
        v.remove_prefix(1);
        return std::string(v.substr(0, v.find('"')));
    }
    return std::string(trim(v.substr(0, v.find_first_of("; \t"))));
}

bool known_charset(std::string_view content_type) {
    std::string charset = lower(header_param(content_type, "charset"));
    // parse_mail turns Latin-1 into UTF-8; any other charset would need a converter, and a
    // reply read in the wrong one could be misread rather than skipped.
    return charset.empty() || charset == "utf-8" || charset == "us-ascii" || charset == "utf8" ||
           charset == "iso-8859-1" || charset == "latin1" || charset == "ascii";
}

// The text/plain part of a mail (the first one of a multipart mail: a signed or HTML reply
// carries its text there). nullopt when the text is in a charset we do not read.
std::optional<std::string> plain_text(std::string_view raw, int depth = 0) {
    Mail mail = parse_mail(raw);
    std::string type = mail.header("Content-Type");
    std::string low = lower(type);
    if (!low.starts_with("multipart/")) {
        if (!known_charset(type)) return std::nullopt;
        return std::move(mail.body);
    }
    std::string boundary = header_param(type, "boundary");
    if (boundary.empty() || depth > 4) return std::string();
    std::string delimiter = "--" + boundary;
    std::string_view body = mail.body;
    bool other_encoding = false;
    size_t pos = body.find(delimiter);
    while (pos != std::string_view::npos) {
        size_t start = body.find('\n', pos);
        if (start == std::string_view::npos) break;
        if (body.substr(pos + delimiter.size()).starts_with("--")) break;
        size_t next = body.find("\n" + delimiter, start);
        std::string_view part = body.substr(
            start + 1, next == std::string_view::npos ? std::string_view::npos : next - start - 1);
        Mail head = parse_mail(part.substr(0, part.find("\n\n")));
        std::string part_type = lower(head.header("Content-Type"));
        if (part_type.empty() || part_type.starts_with("text/plain") ||
            part_type.starts_with("multipart/")) {
            auto text = plain_text(part, depth + 1);
            if (text && !trim(*text).empty()) return text;
            if (!text) other_encoding = true;
        }
        if (next == std::string_view::npos) break;
        pos = next + 1;
    }
    if (other_encoding) return std::nullopt;
    return std::string();
}

// The headers only: cheap enough for every mail of an archive.
Mail headers_of(std::string_view raw) {
    size_t end = raw.find("\n\n");
    size_t crlf = raw.find("\r\n\r\n");
    if (crlf < end) end = crlf;
    return parse_mail(raw.substr(0, end == std::string_view::npos ? raw.size() : end + 1));
}

bool is_attribution(std::string_view line) {
    static const RE2 kWrote(
        R"((?i)^(on .*|.*,)?\s*(wrote|writes|schrieb|a écrit|пишет|escribió|ha scritto)\b[^>]*:$)");
    return RE2::FullMatch(trim(line), kWrote);
}

// Reads a mail's identity and time; false (and `why`) when it has none.
struct Envelope {
    std::string message_id, subject, from;
    std::vector<std::string> parents;  // In-Reply-To first, then References newest first
    std::optional<int64_t> time;
};
Envelope envelope_of(const Mail& m) {
    Envelope e;
    auto ids = message_ids_in(m.header("Message-ID"));
    if (!ids.empty()) e.message_id = ids.front();
    e.subject = std::string(trim(m.header("Subject")));
    e.from = std::string(trim(m.header("From")));
    for (auto& id : message_ids_in(m.header("In-Reply-To"))) e.parents.push_back(id);
    auto refs = message_ids_in(m.header("References"));
    for (auto it = refs.rbegin(); it != refs.rend(); ++it)
        if (std::ranges::find(e.parents, *it) == e.parents.end()) e.parents.push_back(*it);
    e.time = util::parse_rfc2822_date(m.header("Date"));
    return e;
}

class ReplyImporter {
  public:
    ReplyImporter(Store& store, ReplyImportCounts& counts, std::set<std::string> mailed,
                  std::vector<std::string> stable)
        : store_(store), counts_(counts), mailed_(std::move(mailed)), stable_(std::move(stable)) {}

    // Pass one: every mail. Proposals are stored; mails that may be replies are kept.
    Status read(std::string_view raw) {
        ++counts_.mails;
        Mail head = headers_of(raw);
        Envelope e = envelope_of(head);
        if (auto autosel = parse_autosel_subject(e.subject)) return add_proposal(raw, e, *autosel);
        if (e.parents.empty()) return {};
        bool ours = std::ranges::any_of(e.parents, [&](auto& id) { return mailed_.contains(id); });
        if (ours || lower(e.subject).find("autosel") != std::string::npos) kept_.emplace_back(raw);
        return {};
    }

    Status flush() {
        if (pending_ == 0) return {};
        pending_ = 0;
        return store_.commit();
    }

    // Pass two: the kept mails that answer a proposal or one of the queue's mails, oldest
    // first, so the queue sees objections in the order they were made.
    Status add_replies() {
        std::vector<std::pair<int64_t, size_t>> order;
        for (size_t i = 0; i < kept_.size(); ++i)
            order.emplace_back(envelope_of(headers_of(kept_[i])).time.value_or(0), i);
        std::ranges::stable_sort(order, {}, [](auto& p) { return p.first; });
        if (auto r = store_.begin(); !r) return r;
        for (auto& [time, i] : order)
            if (auto r = add_reply(kept_[i]); !r) {
                store_.rollback();
                return r;
            }
        return store_.commit();
    }

    void skip(const std::string& reason, const std::string& id) {
        ++counts_.skipped[reason];
        auto& named = counts_.skipped_named[reason];
        if (named.size() < kNamed) named.push_back(id.empty() ? "(no Message-ID)" : id);
    }

  private:
    Status add_proposal(std::string_view raw, const Envelope& e, const AutoselSubject& subject) {
        if (e.message_id.empty() || !e.time) {
            skip("malformed", e.message_id);
            return {};
        }
        auto body = plain_text(raw);
        if (!body || !util::is_valid_utf8(*body)) {
            skip("other encoding", e.message_id);
            return {};
        }
        store::ListProposal p;
        p.commit = upstream_commit_of(*body);
        if (p.commit.empty()) {
            skip("no upstream commit", e.message_id);
            return {};
        }
        p.message_id = e.message_id;
        p.subject = e.subject;
        p.time = *e.time;
        p.trees = autosel_trees(subject, stable_);
        p.llm_explained = body->find("LLM Generated explanations") != std::string::npos;
        if (pending_ == 0)
            if (auto r = store_.begin(); !r) return r;
        ++pending_;
        auto added = store::add_list_proposal(store_, p);
        if (!added) {
            store_.rollback();
            pending_ = 0;
            return std::unexpected(added.error());
        }
        ++(*added ? counts_.proposals : counts_.proposals_already);
        if (*added && p.llm_explained) ++counts_.llm_explained;
        for (auto& t : p.trees) ++counts_.proposals_by_tree[t];
        if (pending_ >= kBatch) return flush();
        return {};
    }

    // What the mail with `id` proposed: a stored AUTOSEL proposal, or one of the queue's mails.
    Result<std::optional<store::ListProposal>> answered(const std::string& id) {
        auto p = store::list_proposal(store_, id);
        if (!p || *p) return p;
        if (!mailed_.contains(id)) return std::optional<store::ListProposal>{};
        auto pairs = store::candidates_mailed_as(store_, id);
        if (!pairs) return std::unexpected(pairs.error());
        if (pairs->empty()) return std::optional<store::ListProposal>{};
        store::ListProposal ours;
        ours.message_id = id;
        ours.commit = pairs->front().first;
        for (auto& [commit, tree] : *pairs)
            if (commit == ours.commit) ours.trees.push_back(tree);
        return std::optional<store::ListProposal>{std::move(ours)};
    }

    Status add_reply(std::string_view raw) {
        Mail head = headers_of(raw);
        Envelope e = envelope_of(head);
        if (e.message_id.empty() || e.from.empty() || !e.time) {
            skip("malformed", e.message_id);
            return {};
        }
        std::optional<store::ListProposal> proposal;
        for (auto& parent : e.parents) {
            auto p = answered(parent);
            if (!p) return std::unexpected(p.error());
            if (*p) {
                proposal = std::move(*p);
                break;
            }
        }
        if (!proposal) {
            skip("replies to an unknown mail", e.message_id);
            return {};
        }
        auto body = plain_text(raw);
        if (!body || !util::is_valid_utf8(*body)) {
            skip("other encoding", e.message_id);
            return {};
        }
        if (!quotes_anything(*body)) {
            skip("quotes nothing", e.message_id);
            return {};
        }
        store::ListReply r;
        r.message_id = e.message_id;
        r.answers = proposal->message_id;
        r.commit = proposal->commit;
        r.author = e.from;
        r.time = *e.time;
        r.text = reply_own_text(*body);
        ReplyReading reading = read_reply(r.text);
        r.kind = std::string(reply_kind_name(reading.kind));
        r.asks_for = reading.asks_for;
        // "not needed for 5.10" speaks of 5.10 only; naming no tree it was proposed for, it
        // speaks of them all.
        for (auto& t : proposal->trees)
            for (auto& v : reading.versions)
                if (t == kernel_tree(v) && std::ranges::find(r.trees, t) == r.trees.end())
                    r.trees.push_back(t);
        if (r.trees.empty()) r.trees = proposal->trees;
        auto added = store::add_list_reply(store_, r);
        if (!added) return std::unexpected(added.error());
        if (!*added) {
            ++counts_.replies_already;
            return {};
        }
        ++counts_.replies_by_kind[r.kind];
        if (reading.kind == ReplyKind::kObjection) counts_.objections.push_back(std::move(r));
        return {};
    }

    Store& store_;
    ReplyImportCounts& counts_;
    std::set<std::string> mailed_;
    std::vector<std::string> stable_;
    std::vector<std::string> kept_;
    int pending_ = 0;
};

// Calls `visit` with each mail of an archive or mbox file.
Status for_each_mail(const std::string& p, bool quiet, ReplyImportCounts& counts,
                     const std::function<Status(std::string_view)>& visit) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec))
        return fail(ErrorCode::kNotFound,
                    fmt::format("cannot read '{}': no such file or directory", p));
    ++counts.files;
    if (std::filesystem::is_directory(p, ec)) {
        auto archive = git::Repository::open(p);
        if (!archive)
            return fail(ErrorCode::kInvalidInput,
                        fmt::format("'{}' is a directory but not a public-inbox git archive", p));
        std::unique_ptr<util::Progress> progress;
        Status failed;
        auto walked = for_each_public_inbox_mail(
            *archive,
            [&](int64_t total) {
                progress =
                    std::make_unique<util::Progress>(fmt::format("replies {}", p), total, quiet);
            },
            [&](std::string_view mail) {
                failed = visit(mail);
                progress->advance();
                return failed.has_value();
            });
        if (!failed) return failed;
        if (!walked) return walked;
        if (progress) progress->finish();
        return {};
    }
    std::ifstream in(p, std::ios::binary);
    if (!in) return fail(ErrorCode::kNotFound, fmt::format("cannot read '{}'", p));
    MboxReader reader(in);
    auto first = reader.next();
    if (!first || first->find(':') == std::string::npos)
        return fail(ErrorCode::kInvalidInput, fmt::format("'{}' is not an mbox file", p));
    for (auto m = std::move(first); m; m = reader.next())
        if (auto r = visit(*m); !r) return r;
    if (in.bad()) return fail(ErrorCode::kIo, fmt::format("cannot read '{}'", p));
    if (reader.oversized() > 0) counts.skipped["too large"] += int64_t(reader.oversized());
    return {};
}

std::optional<std::pair<int, int>> version_of(std::string_view v) {
    static const RE2 kVersion(R"((\d+)\.(\d+))");
    int major = 0, minor = 0;
    if (!RE2::FullMatch(re2::StringPiece(v.data(), v.size()), kVersion, &major, &minor))
        return std::nullopt;
    return std::pair{major, minor};
}

}  // namespace

std::optional<AutoselSubject> parse_autosel_subject(std::string_view subject) {
    // "[PATCH AUTOSEL 5.15 12/44] …", "[PATCH AUTOSEL 6.17-5.15] …"; anything after the trees
    // inside the brackets (the series position, "v2") does not change them.
    static const RE2 kSubject(R"(^\[PATCH AUTOSEL (\d+\.\d+)(?:-(\d+\.\d+))?(?:\s[^\]]*)?\].*)");
    std::string newest, oldest;
    if (!RE2::FullMatch(re2::StringPiece(subject.data(), subject.size()), kSubject, &newest,
                        &oldest))
        return std::nullopt;
    if (oldest.empty()) oldest = newest;
    return AutoselSubject{newest, oldest};
}

std::string upstream_commit_of(std::string_view body) {
    static const RE2 kUpstream(R"((?mi)^\s*\[\s*upstream commit ([0-9a-f]{12,40})\s*\]\s*$)");
    static const RE2 kOlder(R"((?m)^\s*commit ([0-9a-f]{12,40}) upstream\.?\s*$)");
    std::string id;
    re2::StringPiece text(body.data(), body.size());
    if (RE2::PartialMatch(text, kUpstream, &id) || RE2::PartialMatch(text, kOlder, &id)) return id;
    return "";
}

std::string kernel_tree(std::string_view version) {
    return fmt::format("linux-{}.y", version);
}

std::vector<std::string> autosel_trees(const AutoselSubject& subject,
                                       const std::vector<std::string>& known_stable) {
    std::vector<std::string> out{kernel_tree(subject.newest)};
    if (subject.oldest != subject.newest) {
        auto hi = version_of(subject.newest), lo = version_of(subject.oldest);
        static const RE2 kTree(R"(linux-(\d+\.\d+)\.y)");
        std::vector<std::pair<std::pair<int, int>, std::string>> between;
        for (auto& name : known_stable) {
            std::string v;
            if (!RE2::FullMatch(name, kTree, &v)) continue;
            auto ver = version_of(v);
            if (hi && lo && ver && *ver<*hi&& * ver> * lo) between.emplace_back(*ver, name);
        }
        std::ranges::sort(between, std::greater<>());
        for (auto& [v, name] : between) out.push_back(name);
        out.push_back(kernel_tree(subject.oldest));
    }
    return out;
}

bool quotes_anything(std::string_view body) {
    return std::ranges::any_of(lines_of(body),
                               [](std::string_view l) { return trim(l).starts_with('>'); });
}

namespace {
// Whether the next line that is not blank is a quote: what introduces it ("Sasha Levin,
// 2024-03-29T08:37:49-04:00:", "13.09.2021 20:14, Sasha Levin пишет:") is an attribution,
// whatever its language.
bool quoted_next(const std::vector<std::string_view>& lines, size_t i) {
    for (size_t j = i + 1; j < lines.size(); ++j) {
        std::string_view t = trim(lines[j]);
        if (!t.empty()) return t.starts_with('>');
    }
    return false;
}
}  // namespace

std::string reply_own_text(std::string_view body) {
    auto lines = lines_of(body);
    std::vector<std::string_view> kept;
    for (size_t i = 0; i < lines.size(); ++i) {
        std::string_view l = lines[i];
        std::string_view t = trim(l);
        // A signature, or an Outlook-style reply whose quote has no "> " marks.
        if (l == "-- " || l == "--" || t == "-----Original Message-----") break;
        if (t.starts_with('>')) continue;
        // "[...]" where the quote was cut.
        if (t == "[...]" || t == "[ ... ]" || t == "[snip]" || t == "<snip>") continue;
        if (is_attribution(l) || (t.ends_with(':') && quoted_next(lines, i))) {
            // "On Mon, 1 Jan 2024, Some One <one@example.org>\nwrote:" spans two lines.
            if (t.size() < 12 && !kept.empty() && trim(kept.back()).starts_with("On "))
                kept.pop_back();
            continue;
        }
        kept.push_back(l);
    }
    while (!kept.empty() && trim(kept.back()).empty()) kept.pop_back();
    size_t first = 0;
    while (first < kept.size() && trim(kept[first]).empty()) ++first;
    std::string out;
    bool blank = false;
    for (size_t i = first; i < kept.size(); ++i) {
        // Runs of blank lines where quotes were become one.
        bool now_blank = trim(kept[i]).empty();
        if (now_blank && blank) continue;
        blank = now_blank;
        out.append(kept[i]);
        out += '\n';
    }
    return out;
}

std::string_view reply_kind_name(ReplyKind kind) {
    switch (kind) {
        case ReplyKind::kAck:
            return "ack";
        case ReplyKind::kObjection:
            return "objection";
        case ReplyKind::kRequest:
            return "request";
        case ReplyKind::kOther:
            break;
    }
    return "other";
}

ReplyReading read_reply(std::string_view own_text) {
    ReplyReading out;
    re2::StringPiece text(own_text.data(), own_text.size());
    // NAK is written in capitals; "nak" in running text is rare and "ack" is not a NAK.
    static const RE2 kNak(R"(\b(NAK|NACK|Nak|Nack)(ed)?\b|(?i:nack(ed)?-by:))");
    // The phrases maintainers used in the replies to AUTOSEL on the subsystem lists.
    static const RE2 kObjection(
        R"((?i)(please\s+(drop|remove|(don'?t|do\s+not)\s+(backport|apply|take|pick|queue))|)"
        R"(\bdrop\s+(it|this|that|the\s+patch)\b|can\s+you\s+drop|i'?ll\s+drop|\bdrop+ed\b|)"
        R"(it'?s\s+gone|not\s+needed|no\s+need\s+(to|for)|(aren'?t|are\s+not|isn'?t|is\s+not)\s+needed|)"
        R"((is\s*n[o']t|not)\s+(really\s+)?a\s+(real\s+)?fix|new\s+feature|\bbreaks\b|)"
        R"((will|would)\s+break\b|already\s+(queued|applied|in\s+(the\s+)?stable)|)"
        R"((don'?t|do\s+not|should\s*n[o']t|not)\s+(be\s+|get\s+)?backport|)"
        R"((should|must)\s*(n'?t|\s+not)\s+(be\s+in|be\s+applied|go\s+to|get\s+backport)|)"
        R"(not\s+(be\s+)?(for|suitable\s+for)\s+-?stable|(is\s*n'?t|not)\s+stable\s+material|)"
        R"((don'?t|do\s+not)\s+pick|(don'?t|do\s+not)\s+(think|believe)\s+(this|it)\s+(is\s+)?)"
        R"((suitable|needed|necessary|qualif)|(doesn'?t|does\s+not)\s+make\s+sense\s+to\s+)"
        R"((pick|backport|take|apply)|(don'?t|do\s+not)\s+(really\s+)?need\s+(this|it)|)"
        R"((does\s*n'?o?t|not)\s+qualify|wouldn'?t\s+bother\s+backport|)"
        R"((does\s*n'?o?t|won'?t)\s+fix\s+(a\s+serious\s+bug|anything)|better\s+not\s+to\s+)"
        R"((port|backport)|will\s+be\s+reverted|hold\s+(this|it)\b|)"
        R"(n'?o?t\s+need\s+to\s+be\s+backport|do\s+not\s+use\s+this|fixes\s+nothing|)"
        R"((does\s*n'?o?t|won'?t)\s+fix\s+any\b|noise\s+for\s+stable|not\s+worth|)"
        R"((wouldn'?t|not\s+what\s+i\s+would)\s+consider\s+(it\s+)?stable\s+material|)"
        R"(cleanup\s+rather\s+than\s+a\s+fix|just\s+a\s+cleanup|completely\s+broken|)"
        R"(known\s+compile\s+(issue|error)|probably\s+break|questionable\s+for\s+stable|)"
        R"(we\s+should\s*(n'?t|\s+not)\s+(have|need)|)"
        R"(causes?\s+(a\s+)?regression|postpone))");
    static const RE2 kRequest(
        R"((?i)(please\s+also\s+(take|pick|queue|backport|apply)|)"
        R"(also\s+(take|pick|queue|backport|apply|include|need|needs|requires?)|there'?s\s+also|)"
        R"((needs|requires)\s+(the\s+)?following|together\s+with|along\s+with|prerequisite|)"
        R"(depends\s+on|cherry-?pick(ed)?\s+(commit|if)|picked\s+as\s+well|in\s+addition\s+to)"
        R"(|also\s+grabbed))");
    static const RE2 kAck(
        R"((?im)(^\s*(acked|reviewed|tested|acked-for-stable)-by:|^\s*ack\b|looks\s+good|)"
        R"(\blgtm\b|looks\s+fine|makes\s+sense\s+for\s+stable|no\s+opposition))");
    static const RE2 kSha(R"(\b([0-9a-f]{12,40})\b)");
    static const RE2 kQuotedSubject(R"(\(\"([^"\n]{8,200})\"\))");
    re2::StringPiece scan = text;
    std::string found;
    while (RE2::FindAndConsume(&scan, kSha, &found))
        if (std::ranges::find(out.asks_for, found) == out.asks_for.end())
            out.asks_for.push_back(found);
    scan = text;
    while (RE2::FindAndConsume(&scan, kQuotedSubject, &found)) out.asks_for.push_back(found);
    if (RE2::PartialMatch(text, kNak) || RE2::PartialMatch(text, kObjection))
        out.kind = ReplyKind::kObjection;
    else if (RE2::PartialMatch(text, kRequest) && !out.asks_for.empty())
        out.kind = ReplyKind::kRequest;
    else if (RE2::PartialMatch(text, kAck))
        out.kind = ReplyKind::kAck;
    if (out.kind != ReplyKind::kRequest) out.asks_for.clear();
    // Versions: tokens split at anything but letters, digits and dots ("linux-5.10.y",
    // "5.10,", "v5.15").
    std::string token;
    auto take = [&] {
        std::string_view t = token;
        while (t.ends_with('.')) t.remove_suffix(1);
        if (t.starts_with('v')) t.remove_prefix(1);
        static const RE2 kVersion(R"(([2-9]|1\d)\.(\d{1,2})(\.y|\.\d{1,3})?)");
        std::string major, minor;
        if (RE2::FullMatch(re2::StringPiece(t.data(), t.size()), kVersion, &major, &minor)) {
            std::string v = major + "." + minor;
            if (std::ranges::find(out.versions, v) == out.versions.end()) out.versions.push_back(v);
        }
        token.clear();
    };
    for (char c : own_text) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '.')
            token += c;
        else
            take();
    }
    take();
    return out;
}

Result<ReplyImportCounts> import_replies(Store& store, const std::vector<std::string>& paths,
                                         bool quiet) {
    ReplyImportCounts counts;
    auto mailed = store::mailed_message_ids(store);
    if (!mailed) return std::unexpected(mailed.error());
    auto stable = store::stable_branch_names(store);
    if (!stable) return std::unexpected(stable.error());
    ReplyImporter importer(store, counts, std::move(*mailed), std::move(*stable));
    // Every path first, then the replies: a reply may come in an archive before the one that
    // holds the mail it answers (two lists, or an archive out of order).
    for (auto& p : paths) {
        auto read =
            for_each_mail(p, quiet, counts, [&](std::string_view m) { return importer.read(m); });
        if (!read) return std::unexpected(read.error());
        if (auto r = importer.flush(); !r) return std::unexpected(r.error());
    }
    if (auto r = importer.add_replies(); !r) return std::unexpected(r.error());
    return counts;
}

}  // namespace stablepick
