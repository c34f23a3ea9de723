#include "stablepick/ingest/mail.hpp"

#include <re2/re2.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>

#include "stablepick/text/diff_parse.hpp"
#include "stablepick/text/message.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// "Name <email>" -> (Name, email)
std::pair<std::string, std::string> split_address(std::string_view s) {
    s = trim(s);
    auto lt = s.rfind('<');
    auto gt = s.rfind('>');
    if (lt == std::string_view::npos || gt == std::string_view::npos || gt < lt)
        return {std::string(s), std::string(s)};
    std::string name(trim(s.substr(0, lt)));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
        name = name.substr(1, name.size() - 2);
    return {name, std::string(s.substr(lt + 1, gt - lt - 1))};
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
        pos = end + 1;
    }
    return out;
}

// Fills message, diff and patch id from "message\n---\n<diffstat>\n<diff>" text.
// Returns whether the diff was cut short (a hunk ends before its counted lines).
bool fill_from_message_and_diff(std::string_view text, const TrailerConfig& trailers, Commit& c) {
    // The message ends at the first line that is exactly "---" (format-patch and tip-bot2
    // both put the diffstat after it); without one, at the first diff header.
    size_t cut = std::string_view::npos;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = trim(text.substr(pos, end - pos));
        bool plain_diff = text.substr(pos).starts_with("--- ") && end < text.size() &&
                          text.substr(end + 1).starts_with("+++ ");
        if (line == "---" || plain_diff || text.substr(pos).starts_with("diff --git ")) {
            cut = pos;
            break;
        }
        if (end == text.size()) break;
        pos = end + 1;
    }
    std::string_view message = cut == std::string_view::npos ? text : text.substr(0, cut);
    std::string_view rest = cut == std::string_view::npos ? std::string_view{} : text.substr(cut);
    std::string subject = c.subject;
    parse_message(message, trailers, c);
    if (!subject.empty()) {
        // format-patch: the Subject header is the subject and the whole text is the body.
        Commit body_only;
        parse_message("x\n\n" + std::string(message), trailers, body_only);
        c.subject = subject;
        c.body = body_only.body;
        c.trailers = body_only.trailers;
    }
    size_t diff_at = rest.find("diff --git ");
    if (diff_at == std::string_view::npos)
        diff_at = rest.starts_with("--- ") ? 0 : rest.find("\n--- ");
    std::string_view diff =
        diff_at == std::string_view::npos ? std::string_view{} : rest.substr(diff_at);
    // A mail signature ("-- \n2.43.0") is not part of the diff.
    if (auto sig = diff.rfind("\n-- \n"); sig != std::string_view::npos)
        diff = diff.substr(0, sig + 1);
    ParsedDiff parsed = parse_unified_diff(diff);
    c.files = std::move(parsed.files);
    c.hunks = std::move(parsed.hunks);
    c.patch_id = std::move(parsed.patch_id);
    c.diff = to_valid_utf8(diff);
    c.diff_bytes = static_cast<int64_t>(c.diff.size());
    return parsed.cut_short;
}

bool is_full_id(std::string_view s) {
    return s.size() == 40 && std::ranges::all_of(s, [](char ch) { return hex_value(ch) >= 0; });
}

// A patch file as a commit (commit_from_patch), saying whether its diff was cut short.
Commit patch_commit(std::string_view text, const TrailerConfig& trailers, bool& cut_short);

}  // namespace

std::string decode_quoted_printable(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c != '=') {
            out.push_back(c);
            continue;
        }
        // "=\n" (or "=\r\n") is a soft line break: the line goes on.
        if (i + 1 < in.size() && in[i + 1] == '\n') {
            ++i;
            continue;
        }
        if (i + 2 < in.size() && in[i + 1] == '\r' && in[i + 2] == '\n') {
            i += 2;
            continue;
        }
        if (i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
            i += 2;
            continue;
        }
        out.push_back(c);
    }
    return out;
}

std::string decode_base64(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    int bits = 0, acc = 0;
    for (char c : in) {
        int v = value(c);
        if (v < 0) continue;
        acc = (acc << 6) | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    return out;
}

std::string decode_rfc2047(std::string_view in) {
    // "=?charset?Q?text?=" / "=?charset?B?text?=", with whitespace between two words dropped.
    std::string out;
    size_t pos = 0;
    bool previous_was_word = false;
    std::string pending_space;
    while (pos < in.size()) {
        size_t start = in.find("=?", pos);
        if (start == std::string_view::npos) break;
        size_t q1 = in.find('?', start + 2);
        size_t q2 = q1 == std::string_view::npos ? q1 : in.find('?', q1 + 1);
        size_t end = q2 == std::string_view::npos ? q2 : in.find("?=", q2 + 1);
        if (end == std::string_view::npos || q2 != q1 + 2) {
            out.append(in.substr(pos, start + 2 - pos));
            pos = start + 2;
            previous_was_word = false;
            continue;
        }
        std::string_view between = in.substr(pos, start - pos);
        if (!(previous_was_word && trim(between).empty())) out.append(between);
        std::string charset(in.substr(start + 2, q1 - start - 2));
        char encoding = static_cast<char>(std::toupper(static_cast<unsigned char>(in[q1 + 1])));
        std::string text(in.substr(q2 + 1, end - q2 - 1));
        std::string decoded;
        if (encoding == 'B') {
            decoded = decode_base64(text);
        } else {
            std::ranges::replace(text, '_', ' ');
            decoded = decode_quoted_printable(text);
        }
        if (strcasecmp(charset.c_str(), "iso-8859-1") == 0 ||
            strcasecmp(charset.c_str(), "latin1") == 0)
            decoded = latin1_to_utf8(decoded);
        out += decoded;
        pos = end + 2;
        previous_was_word = true;
    }
    out.append(in.substr(std::min(pos, in.size())));
    return out;
}

std::string Mail::header(std::string_view name) const {
    for (auto& [k, v] : headers)
        if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0)
            return decode_rfc2047(v);
    return {};
}

std::vector<std::string> split_mbox(std::string_view mbox) {
    std::vector<std::string> out;
    std::string current;
    bool started = false;
    bool previous_blank = true;
    for (auto line : lines_of(mbox)) {
        if (line.starts_with("From ") && previous_blank) {
            if (started && !trim(current).empty()) out.push_back(std::move(current));
            current.clear();
            current.append(line);  // keep the separator: format-patch puts the id there
            current += '\n';
            started = true;
            previous_blank = false;
            continue;
        }
        if (!started) {  // a file without separators holds one message
            started = true;
        }
        // mboxrd escapes body lines that begin with "From " as ">From ".
        std::string_view l = line;
        if (l.starts_with(">") && l.find_first_not_of('>') != std::string_view::npos &&
            l.substr(l.find_first_not_of('>')).starts_with("From "))
            l.remove_prefix(1);
        current.append(l);
        current += '\n';
        previous_blank = trim(line).empty();
    }
    if (started && !trim(current).empty()) out.push_back(std::move(current));
    return out;
}

MboxReader::MboxReader(std::istream& in, size_t max_message_bytes)
    : in_(in), max_bytes_(max_message_bytes) {}

// One line without its newline; false at the end of the input. A line longer than a message
// may be is cut there (the rest is read and dropped): memory stays bounded on any input.
bool MboxReader::read_line(std::string& line) {
    constexpr size_t kChunk = 1 << 20;
    line.clear();
    bool any = false;
    for (;;) {
        if (pos_ == buffer_.size()) {
            if (eof_) return any;
            buffer_.resize(kChunk);
            in_.read(buffer_.data(), static_cast<std::streamsize>(kChunk));
            buffer_.resize(static_cast<size_t>(in_.gcount()));
            pos_ = 0;
            if (buffer_.empty()) {
                eof_ = true;
                return any;
            }
        }
        any = true;
        const char* start = buffer_.data() + pos_;
        auto* nl = static_cast<const char*>(std::memchr(start, '\n', buffer_.size() - pos_));
        size_t n = nl ? static_cast<size_t>(nl - start) : buffer_.size() - pos_;
        if (line.size() < max_bytes_) line.append(start, std::min(n, max_bytes_ - line.size()));
        pos_ += n + (nl ? 1 : 0);
        if (nl) return true;
        // The very first line of a mailbox is short ("From …" or a header): a binary file or
        // an endless device would otherwise be read to its end, or forever.
        if (first_line_ && line.size() >= 64 * 1024) {
            not_mail_ = true;
            eof_ = true;
            pos_ = buffer_.size();
            return false;
        }
    }
}

std::optional<std::string> MboxReader::next() {
    std::string line;
    while (!not_mail_ && read_line(line)) {
        first_line_ = false;
        std::string_view l = line;
        if (l.starts_with("From ") && previous_blank_) {
            std::optional<std::string> done;
            if (too_big_)
                ++oversized_;
            else if (started_ && !trim(current_).empty())
                done = std::move(current_);
            current_.clear();
            too_big_ = false;
            current_.append(l);  // keep the separator: format-patch puts the id there
            current_ += '\n';
            started_ = true;
            previous_blank_ = false;
            if (done) return done;
            continue;
        }
        started_ = true;
        previous_blank_ = trim(l).empty();
        if (too_big_) continue;
        // mboxrd escapes body lines that begin with "From " as ">From ".
        if (l.starts_with(">") && l.find_first_not_of('>') != std::string_view::npos &&
            l.substr(l.find_first_not_of('>')).starts_with("From "))
            l.remove_prefix(1);
        if (current_.size() + l.size() + 1 > max_bytes_) {
            too_big_ = true;
            current_.clear();
            current_.shrink_to_fit();
            continue;
        }
        current_.append(l);
        current_ += '\n';
    }
    if (too_big_) {
        ++oversized_;
        too_big_ = false;
    }
    if (started_ && !trim(current_).empty()) {
        started_ = false;
        return std::exchange(current_, std::string());
    }
    return std::nullopt;
}

Mail parse_mail(std::string_view raw) {
    Mail mail;
    size_t pos = 0;
    // Skip the mbox separator line.
    if (raw.starts_with("From ")) pos = std::min(raw.size(), raw.find('\n') + 1);
    while (pos < raw.size()) {
        size_t end = raw.find('\n', pos);
        if (end == std::string_view::npos) end = raw.size();
        std::string_view line = raw.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos = end + 1;
        if (line.empty()) break;
        if ((line.front() == ' ' || line.front() == '\t') && !mail.headers.empty()) {
            mail.headers.back().second += " ";
            mail.headers.back().second += std::string(trim(line));
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        mail.headers.emplace_back(std::string(line.substr(0, colon)),
                                  std::string(trim(line.substr(colon + 1))));
    }
    std::string_view body = pos < raw.size() ? raw.substr(pos) : std::string_view{};
    std::string encoding = mail.header("Content-Transfer-Encoding");
    std::ranges::transform(encoding, encoding.begin(),
                           [](unsigned char c) { return std::tolower(c); });
    std::string decoded = encoding == "quoted-printable" ? decode_quoted_printable(body)
                          : encoding == "base64"         ? decode_base64(body)
                                                         : std::string(body);
    std::string type = mail.header("Content-Type");
    std::ranges::transform(type, type.begin(), [](unsigned char c) { return std::tolower(c); });
    if (type.find("iso-8859-1") != std::string::npos || type.find("latin1") != std::string::npos)
        decoded = latin1_to_utf8(decoded);
    mail.body = std::move(decoded);
    return mail;
}

std::optional<Commit> commit_from_mail(std::string_view raw, const TrailerConfig& trailers,
                                       bool* damaged) {
    Mail mail = parse_mail(raw);
    Commit c;
    c.source = "mbox";
    const std::string& body = mail.body;
    // tip-bot2: "Commit-ID:  <id>" then Author/AuthorDate/Committer/CommitterDate, a blank
    // line, the message, "---", the diffstat and the diff.
    static const RE2 kCommitId(R"((?m)^Commit-ID:\s+([0-9a-f]{40})\s*$)");
    std::string id;
    if (RE2::PartialMatch(body, kCommitId, &id)) {
        c.id = id;
        auto lines = lines_of(body);
        size_t i = 0;
        while (i < lines.size() && !lines[i].starts_with("Commit-ID:")) ++i;
        for (; i < lines.size() && !trim(lines[i]).empty(); ++i) {
            std::string_view l = lines[i];
            auto colon = l.find(':');
            if (colon == std::string_view::npos) continue;
            std::string_view key = l.substr(0, colon), value = trim(l.substr(colon + 1));
            if (key == "Author")
                std::tie(c.author_name, c.author_email) = split_address(value);
            else if (key == "Committer")
                std::tie(c.committer_name, c.committer_email) = split_address(value);
            else if (key == "AuthorDate")
                c.author_time = util::parse_rfc2822_date(value).value_or(0);
            else if (key == "CommitterDate")
                c.commit_time = util::parse_rfc2822_date(value).value_or(0);
        }
        size_t offset = 0;
        for (size_t k = 0; k < i && k < lines.size(); ++k) offset += lines[k].size() + 1;
        std::string_view rest =
            offset < body.size() ? std::string_view(body).substr(offset) : std::string_view{};
        if (fill_from_message_and_diff(trim(rest), trailers, c)) {
            if (damaged) *damaged = true;
            return std::nullopt;
        }
        if (c.commit_time == 0)
            c.commit_time = util::parse_rfc2822_date(mail.header("Date")).value_or(0);
        if (c.author_time == 0) c.author_time = c.commit_time;
        return c;
    }
    // format-patch: the id is on the mbox separator line.
    std::string_view first = raw.substr(0, raw.find('\n'));
    if (first.starts_with("From ") && first.size() >= 45 && is_full_id(first.substr(5, 40))) {
        bool cut_short = false;
        Commit p = patch_commit(raw, trailers, cut_short);
        if (cut_short) {
            if (damaged) *damaged = true;
            return std::nullopt;
        }
        if (p.files.empty() && p.diff.empty()) return std::nullopt;
        return p;
    }
    return std::nullopt;
}

Commit commit_from_patch(std::string_view text, const TrailerConfig& trailers) {
    bool cut_short = false;
    return patch_commit(text, trailers, cut_short);
}

namespace {

Commit patch_commit(std::string_view text, const TrailerConfig& trailers, bool& cut_short) {
    Commit c;
    c.source = "patch";
    std::string_view first = text.substr(0, text.find('\n'));
    bool is_mail = first.starts_with("From ") ||
                   text.find("\nSubject: ") != std::string_view::npos ||
                   text.starts_with("Subject: ");
    if (!is_mail) {
        cut_short = fill_from_message_and_diff(text, trailers, c);
        return c;
    }
    if (first.starts_with("From ") && first.size() >= 45 && is_full_id(first.substr(5, 40)))
        c.id = std::string(first.substr(5, 40));
    Mail mail = parse_mail(text);
    std::tie(c.author_name, c.author_email) = split_address(mail.header("From"));
    c.author_time = util::parse_rfc2822_date(mail.header("Date")).value_or(0);
    c.committer_name = c.author_name;
    c.committer_email = c.author_email;
    c.commit_time = c.author_time;
    std::string subject = mail.header("Subject");
    // "[PATCH v2 3/7] net: fix" -> "net: fix"
    static const RE2 kPrefix(R"(^\s*(\[[^\]]*\]\s*)+)");
    RE2::Replace(&subject, kPrefix, "");
    c.subject = std::string(trim(subject));
    cut_short = fill_from_message_and_diff(mail.body, trailers, c);
    if (c.subject.empty()) c.subject = std::string(trim(subject));
    return c;
}

}  // namespace
}  // namespace stablepick
